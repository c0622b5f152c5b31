/** `rramsim merge` (stub: replaced by the work that owns this command). */
import type { CommandModule } from 'yargs';
import { UserError } from '../../src/util/errors.js';

const command: CommandModule = {
  command: 'merge',
  describe: 'merge shard result directories into one',
  handler: () => {
    throw new UserError('`merge` is not implemented yet');
  },
};
export default command;
