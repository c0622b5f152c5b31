/**
 * `npm run docs:config`: writes docs/config.md, the config reference generated from the field
 * declarations (src/config/config_doc.ts). test/config/config_doc.test.ts checks the committed file.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { configReference } from '../src/config/config_doc.js';

const file = join(import.meta.dirname, '..', '..', 'docs', 'config.md');
writeFileSync(file, configReference() + '\n');
console.log(`wrote ${file}`);
