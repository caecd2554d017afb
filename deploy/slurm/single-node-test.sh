#!/bin/bash
# Proof on a real batch engine: starts a single-node Slurm on this machine (munge, slurmctld
# and slurmd on localhost, as root), submits retail_week as a 4-task job array of shards and
# a dependent merge job (deploy/slurm/submit.sh), and checks the merged files against the
# same run without shards, byte for byte. Installs Debian's slurm-wlm and munge when they
# are missing. Run from anywhere; `.ci/run` runs it when OMNISIM_SLURM_TEST=1.
set -euo pipefail
project="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$project"
if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q slurm-wlm munge >/dev/null
fi
cargo build --release --quiet
omnisim="$project/target/release/omnisim"

# munge: the key and the daemon, as its own user.
mkdir -p /etc/munge /var/lib/munge /var/log/munge /run/munge
[ -s /etc/munge/munge.key ] || mungekey --create --keyfile=/etc/munge/munge.key
chown -R munge:munge /etc/munge /var/lib/munge /var/log/munge /run/munge
chmod 0400 /etc/munge/munge.key
pgrep -x munged >/dev/null || runuser -u munge -- munged

# Slurm: one node (this machine, as slurmd sees it), one partition.
node="$(hostname -s)"
cpus="$(nproc)"
mkdir -p /etc/slurm /var/spool/slurmctld /var/spool/slurmd /var/log/slurm
cat > /etc/slurm/slurm.conf <<CONF
ClusterName=omnisim
SlurmctldHost=$node
SlurmUser=root
AuthType=auth/munge
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
NodeName=$node NodeAddr=127.0.0.1 CPUs=$cpus State=UNKNOWN
PartitionName=main Nodes=$node Default=YES MaxTime=INFINITE State=UP
CONF
pgrep -x slurmctld >/dev/null || slurmctld
pgrep -x slurmd >/dev/null || slurmd
for _ in $(seq 60); do
    sinfo --noheader --states=idle,mixed 2>/dev/null | grep -q main && break
    sleep 1
done
sinfo

# The run, sharded through Slurm, and the same run whole.
work="$(mktemp -d "$project/target/slurm-test.XXXXXX")"
trap 'rm -rf "$work"' EXIT
export OMNISIM="$omnisim" SCENARIO=scenarios/retail_week.toml REPLICATIONS=8 \
    SHARDS="$work/shards" OUT="$work/merged" SHARD_COUNT=4
submitted="$(deploy/slurm/submit.sh)"
echo "$submitted"
merge_job="${submitted##*merge: job }"
for _ in $(seq 300); do
    [ -z "$(squeue --noheader)" ] && break
    sleep 1
done
squeue
ls -l "$work/shards"
"$omnisim" run "$SCENARIO" --replications "$REPLICATIONS" --out "$work/whole" --quiet >/dev/null
if [ ! -f "$work/merged/summary.json" ]; then
    echo "the merge job $merge_job wrote nothing:"
    cat slurm-omnisim-merge-"$merge_job".out 2>/dev/null || true
    exit 1
fi
cmp "$work/whole/summary.json" "$work/merged/summary.json"
diff -r "$work/whole" "$work/merged"
rm -f slurm-omnisim-*.out
echo "slurm: 4 shards on $node merged; summary.json and every other file are byte-identical to the whole run"
