#!/bin/bash
# One shard of a Monte Carlo run per task of a Slurm job array; `casus merge` combines them.
# From a directory holding scenarios/: `sbatch scripts/slurm/shards.sh`, then, once the array has
# finished, `casus merge --out results shards/*`. Another split: `sbatch --array=0-N-1` with
# SHARDS=N in the environment (sbatch passes it on).
#SBATCH --job-name=casus-shards
#SBATCH --array=0-63
#SBATCH --cpus-per-task=1
set -euo pipefail
shards=${SHARDS:-64}
runs=${RUNS:-10000000}
scenario=${SCENARIO:-scenarios/northeast_asia_2024.json}
"${CASUS:-casus}" run "$scenario" --runs "$runs" --quiet --threads "${SLURM_CPUS_PER_TASK:-1}" \
    --shard "$SLURM_ARRAY_TASK_ID/$shards" --out "shards/$SLURM_ARRAY_TASK_ID"
