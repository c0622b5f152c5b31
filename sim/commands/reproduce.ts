/** `rramsim reproduce` (stub: replaced by the work that owns this command). */
import type { CommandModule } from 'yargs';
import { UserError } from '../../src/util/errors.js';

const command: CommandModule = {
  command: 'reproduce',
  describe: 're-run points of a finished sweep and check bit-identical metrics',
  handler: () => {
    throw new UserError('`reproduce` is not implemented yet');
  },
};
export default command;
