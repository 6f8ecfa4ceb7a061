#!/usr/bin/env bash
# Submits a holdem-arena run as a Slurm job array of SHARDS shards and a merge job that
# starts when every shard succeeded. Settings as in shard.sbatch, from the environment:
#   SHARDS=64 HANDS=100000000 SEED=1 deploy/slurm/submit.sh
# Extra arguments go to both sbatch calls (e.g. --partition=cpu). Prints the two job ids.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export ARENA=${ARENA:-holdem-arena} SEED=${SEED:-1} SHARDS=${SHARDS:-64}
export OUT=${OUT:-results/seed-$SEED}
mkdir -p "$OUT"
shards=$(sbatch --parsable --array="0-$((SHARDS - 1))" --export=ALL "$@" "$here/shard.sbatch")
shards=${shards%%;*}
merge=$(sbatch --parsable --dependency="afterok:$shards" --kill-on-invalid-dep=yes \
  --export=ALL "$@" "$here/merge.sbatch")
merge=${merge%%;*}
echo "shards: job $shards (array 0-$((SHARDS - 1))); merge: job $merge into $OUT/merged"
