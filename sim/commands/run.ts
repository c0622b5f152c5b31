/** `rramsim run` (stub: replaced by the work that owns this command). */
import type { CommandModule } from 'yargs';
import { UserError } from '../../src/util/errors.js';

const command: CommandModule = {
  command: 'run',
  describe: 'run one experiment point, all parameters as flags',
  handler: () => {
    throw new UserError('`run` is not implemented yet');
  },
};
export default command;
