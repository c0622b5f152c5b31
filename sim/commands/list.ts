/** `rramsim list` (stub: replaced by the work that owns this command). */
import type { CommandModule } from 'yargs';
import { UserError } from '../../src/util/errors.js';

const command: CommandModule = {
  command: 'list',
  describe: 'expand a sweep config and print the grid without running',
  handler: () => {
    throw new UserError('`list` is not implemented yet');
  },
};
export default command;
