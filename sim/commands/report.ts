/** `rramsim report` (stub: replaced by the work that owns this command). */
import type { CommandModule } from 'yargs';
import { UserError } from '../../src/util/errors.js';

const command: CommandModule = {
  command: 'report',
  describe: 'write DIR/report.html from a sweep directory',
  handler: () => {
    throw new UserError('`report` is not implemented yet');
  },
};
export default command;
