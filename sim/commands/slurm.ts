/** `rramsim slurm` (stub: replaced by the work that owns this command). */
import type { CommandModule } from 'yargs';
import { UserError } from '../../src/util/errors.js';

const command: CommandModule = {
  command: 'slurm',
  describe: 'write a Slurm job-array script for a sweep',
  handler: () => {
    throw new UserError('`slurm` is not implemented yet');
  },
};
export default command;
