#!/bin/bash
# Submits an omnisim run as a Slurm job array of SHARD_COUNT shards and its merge, which
# starts once every shard succeeded. Run from the project folder:
#
#   SCENARIO=scenarios/retail_week.toml REPLICATIONS=100 SHARD_COUNT=16 deploy/slurm/submit.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
count="${SHARD_COUNT:-16}"
array=$(sbatch --parsable --array="0-$((count - 1))" --export=ALL "$here/omnisim-shards.sbatch")
merge=$(sbatch --parsable --dependency="afterok:${array%%;*}" --export=ALL "$here/omnisim-merge.sbatch")
echo "shards: job ${array%%;*} (${count} tasks); merge: job ${merge%%;*}"
