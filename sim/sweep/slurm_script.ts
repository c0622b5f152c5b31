/**
 * Slurm job-array script for a sharded sweep. The script is self-submitting: `bash FILE` (outside
 * a job) submits itself as an array of N tasks, one shard each (`--shard $SLURM_ARRAY_TASK_ID/N`,
 * always with --resume so a requeued task continues), and then a merge job that depends on the
 * whole array (afterany: shards with failed points still merge; merge reports what is missing).
 */
export interface SlurmOptions {
  config: string;
  name: string;
  configHash: string;
  shards: number;
  /** merged output directory; shard i writes DIR-shard<i>of<N> */
  dir: string;
  cpusPerTask: number;
  time: string;
  mem: string;
  partition?: string;
  dataDir?: string;
  points: number;
}

function q(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

export function slurmScript(o: SlurmOptions): string {
  const data = o.dataDir ? ` --data-dir ${q(o.dataDir)}` : '';
  const part = o.partition ? `#SBATCH --partition=${o.partition}\n` : '';
  const shardDirs = Array.from({ length: o.shards }, (_, i) => q(`${o.dir}-shard${i}of${o.shards}`)).join(' ');
  return `#!/bin/bash
# rramsim sweep '${o.name}' (config hash ${o.configHash}): ${o.points} points in ${o.shards} shards.
# Submit from the rramsim checkout (after npm ci) with:   bash THIS_FILE
# Each array task runs one shard into ${o.dir}-shard<i>of${o.shards}; a dependent job merges them into ${o.dir}.
#SBATCH --job-name=rramsim-${o.name}
#SBATCH --cpus-per-task=${o.cpusPerTask}
#SBATCH --time=${o.time}
#SBATCH --mem=${o.mem}
#SBATCH --output=slurm-%x-%A_%a.out
${part}set -euo pipefail

if [ -z "\${SLURM_JOB_ID:-}" ]; then
  # not inside a job: submit the array, then the merge step after it
  jid=$(sbatch --parsable --array=0-${o.shards - 1} "$0")
  echo "submitted shard array job $jid (${o.shards} tasks)"
  sbatch --dependency=afterany:"$jid" --job-name=rramsim-${o.name}-merge --cpus-per-task=1 --time=00:30:00 \\
    --output=slurm-%x-%j.out ${part ? `--partition=${o.partition} ` : ''}\\
    --wrap="cd $(printf %q "$PWD") && npx rramsim merge ${shardDirs} --out ${q(o.dir)}"
  exit 0
fi

cd "\${SLURM_SUBMIT_DIR:-.}"
i="\${SLURM_ARRAY_TASK_ID:?this script runs as a Slurm array task}"
# exit code 3 (some points failed) is recorded in results.jsonl; the merge step reports it
npx rramsim sweep ${q(o.config)} --shard "$i/${o.shards}" --out "${o.dir}-shard\${i}of${o.shards}" \\
  --workers "\${SLURM_CPUS_PER_TASK:-1}" --resume${data} || [ $? -eq 3 ]
`;
}
