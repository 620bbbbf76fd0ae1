#!/bin/bash
# Submits a sharded msense sweep to Slurm: N array tasks (one shard each), then a merge job that runs only if every
# shard succeeded.   usage: docs/cluster/submit.sh GRID RESULTS [N]   (MSENSE overrides the msense command)
# Extra sbatch options (partition, account, time limit) go in SBATCH_* variables or #SBATCH lines of the scripts.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
grid=$(realpath "${1:?usage: submit.sh GRID RESULTS [N]}")
mkdir -p "${2:?usage: submit.sh GRID RESULTS [N]}"
results=$(realpath "$2")
n=${3:-4}
array=$(sbatch --parsable --array=0-$((n - 1)) --chdir "$results" "$here/sweep-array.sbatch" "$grid" "$results")
merge=$(sbatch --parsable --dependency=afterok:"${array%%;*}" --kill-on-invalid-dep=yes --chdir "$results" "$here/merge.sbatch" "$results")
echo "array job $array ($n shards), merge job $merge: results in $results/merged"
