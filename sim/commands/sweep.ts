/** `rramsim sweep` (stub: replaced by the work that owns this command). */
import type { CommandModule } from 'yargs';
import { UserError } from '../../src/util/errors.js';

const command: CommandModule = {
  command: 'sweep',
  describe: 'run every point of a sweep config',
  handler: () => {
    throw new UserError('`sweep` is not implemented yet');
  },
};
export default command;
