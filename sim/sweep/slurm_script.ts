/**
 * Slurm job-array script for a sharded sweep. The script is self-submitting and has three modes:
 *  - `bash FILE [--wait]` (outside a job): checks the config, the rramsim CLI and node are there and
 *    that DIR holds no merged results yet, creates DIR-logs/, then submits itself as an array of N
 *    tasks and a merge job depending on the whole array (afterany: shards with failed points still
 *    merge; merge reports what failed or is missing). With --wait it returns when the merge job has
 *    ended, with the merge job's exit code (sbatch --wait).
 *  - array task i (SLURM_ARRAY_TASK_ID set): `rramsim sweep CONFIG --shard i/N --out DIR-shard<i>ofN
 *    --workers $SLURM_CPUS_PER_TASK --resume` (--resume: a requeued task continues; exit 3, some
 *    points failed, is recorded in results.jsonl and not a task failure).
 *  - `FILE merge` inside a job: `rramsim merge DIR-shard0ofN … --out DIR`.
 * Every job runs in the submit directory (--chdir), so the config path and DIR may be relative to
 * it; logs go to DIR-logs/<job name>-<array job id>_<task>.out and …-merge-<job id>.out.
 * rramsim runs as `node "$RRAMSIM_CLI"`: by default the CLI that wrote the script (an absolute
 * path: the checkout must be on a file system the nodes share, as a cluster's home usually is);
 * set RRAMSIM_CLI before `bash FILE` to use another install. sbatch exports the submitting
 * shell's environment (PATH with node, RRAMSIM_* variables) to every job.
 */
export interface SlurmOptions {
  config: string;
  name: string;
  configHash: string;
  shards: number;
  /** merged output directory; shard i writes DIR-shard<i>of<N>, logs go to DIR-logs */
  dir: string;
  cpusPerTask: number;
  time: string;
  mem: string;
  partition?: string;
  dataDir?: string;
  points: number;
  /** absolute path of the rramsim CLI (dist/sim/cli.js) the jobs run by default */
  cli: string;
}

/** single-quote for bash */
export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

export function slurmScript(o: SlurmOptions): string {
  const q = shellQuote;
  const part = o.partition ? `#SBATCH --partition=${o.partition}\n` : '';
  const n = o.shards;
  return `#!/bin/bash
# rramsim sweep '${o.name}' (config hash ${o.configHash}): ${o.points} points in ${n} shards.
# Submit from the directory \`rramsim slurm\` ran in (the config and result paths are relative to it):
#   bash THIS_FILE          submit the ${n} shard tasks and the dependent merge job, print their ids
#   bash THIS_FILE --wait   the same, then wait for the merge job; exit with its exit code
# Shard i writes ${o.dir}-shard<i>of${n}; the merge job writes ${o.dir}; logs in ${o.dir}-logs/.
# Jobs run rramsim as: node "$RRAMSIM_CLI" (default below; set RRAMSIM_CLI to use another install).
#SBATCH --job-name=rramsim-${o.name}
#SBATCH --cpus-per-task=${o.cpusPerTask}
#SBATCH --time=${o.time}
#SBATCH --mem=${o.mem}
${part}set -euo pipefail

RRAMSIM_CLI=\${RRAMSIM_CLI:-${q(o.cli)}}
export RRAMSIM_CLI
config=${q(o.config)}
dir=${q(o.dir)}
shards=${n}
shard_dirs=()
for ((k = 0; k < shards; k++)); do shard_dirs+=("$dir-shard\${k}of$shards"); done

if [ -z "\${SLURM_JOB_ID:-}" ]; then
  # not inside a job: check, then submit the array and the merge step after it
  wait=()
  case "\${1:-}" in '') ;; --wait) wait=(--wait) ;; *) echo "usage: bash $0 [--wait]" >&2; exit 2 ;; esac
  command -v sbatch >/dev/null || { echo "$0: sbatch not found: run this on a Slurm submit host" >&2; exit 2; }
  command -v node >/dev/null || { echo "$0: node not found on PATH (the jobs inherit this PATH)" >&2; exit 2; }
  [ -f "$RRAMSIM_CLI" ] || { echo "$0: rramsim CLI $RRAMSIM_CLI not found; set RRAMSIM_CLI=/path/to/rramsim/dist/sim/cli.js" >&2; exit 2; }
  [ -f "$config" ] || { echo "$0: config $config not found from $PWD; submit from the directory rramsim slurm ran in" >&2; exit 2; }
  if [ -s "$dir/results.jsonl" ]; then
    echo "$0: $dir already holds merged results; move it away to merge again (finished shards in $dir-shard*of$shards are kept and resumed)" >&2
    exit 2
  fi
  mkdir -p "$dir-logs"
  jid=$(sbatch --parsable --array=0-$((shards - 1)) --chdir="$PWD" --output="$dir-logs/%x-%A_%a.out" "$0")
  jid=\${jid%%;*}
  echo "submitted shard array job $jid ($shards tasks)"
  sbatch \${wait[@]+"\${wait[@]}"} --dependency=afterany:"$jid" --kill-on-invalid-dep=yes --job-name=rramsim-${o.name}-merge \\
    --cpus-per-task=1 --time=00:30:00 --chdir="$PWD" --output="$dir-logs/%x-%j.out" "$0" merge
  exit 0
fi

command -v node >/dev/null || { echo "node not found on PATH on $(hostname)" >&2; exit 2; }
cd "\${SLURM_SUBMIT_DIR:-.}"
if [ "\${1:-}" = merge ]; then
  node "$RRAMSIM_CLI" merge "\${shard_dirs[@]}" --out "$dir"
  exit
fi
i="\${SLURM_ARRAY_TASK_ID:?this script runs as a Slurm array task (submit it with: bash $0)}"
# exit code 3 (some points failed) is recorded in results.jsonl; the merge step reports it
node "$RRAMSIM_CLI" sweep "$config" --shard "$i/$shards" --out "\${shard_dirs[$i]}" \\
  --workers "\${SLURM_CPUS_PER_TASK:-1}" --resume${o.dataDir ? ` --data-dir ${q(o.dataDir)}` : ''} || [ $? -eq 3 ]
`;
}
