/** `rramsim data` (stub: replaced by the work that owns this command). */
import type { CommandModule } from 'yargs';
import { UserError } from '../../src/util/errors.js';

const command: CommandModule = {
  command: 'data',
  describe: 'data check: say which datasets are available where',
  handler: () => {
    throw new UserError('`data` is not implemented yet');
  },
};
export default command;
