/** `rramsim train` (stub: replaced by the work that owns this command). */
import type { CommandModule } from 'yargs';
import { UserError } from '../../src/util/errors.js';

const command: CommandModule = {
  command: 'train',
  describe: 'train MODEL on a dataset and write a JSON result',
  handler: () => {
    throw new UserError('`train` is not implemented yet');
  },
};
export default command;
