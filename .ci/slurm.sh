#!/usr/bin/env bash
# The Slurm recipe (deploy/slurm/) on a real one-node Slurm cluster: installs Slurm and
# MUNGE from the Debian packages when missing (CI runs as root), writes their
# configuration into a temporary folder, starts munged, slurmctld and slurmd, submits
# the recipe as a 4-task job array of 200,000 hands of the default line-up with its
# dependent merge, waits for both (bounded), and checks the merged files against the
# same run played unsharded with cmp (run.json but for threads and time). Stops the
# daemons it started, by PID, whatever happens. About 30 s once the packages are in.
#
#   .ci/slurm.sh target/release/holdem-arena
set -euo pipefail
cd "$(dirname "$0")/.."
arena=$(realpath "${1:?usage: .ci/slurm.sh PATH/TO/holdem-arena}")
repo=$(pwd)

if ! command -v slurmctld > /dev/null || ! command -v slurmd > /dev/null \
  || ! command -v sbatch > /dev/null || ! command -v munged > /dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends slurm-wlm munge > /dev/null
fi

work=$(mktemp -d)
pids=()
stop() {
  # Only what this script started, newest first, by PID.
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    kill "${pids[i]}" 2> /dev/null || true
  done
  for pid in "${pids[@]}"; do
    # Bounded: a daemon that ignores SIGTERM for 10 s gets SIGKILL.
    for _ in $(seq 100); do kill -0 "$pid" 2> /dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2> /dev/null || true
  done
  rm -rf "$work"
}
trap stop EXIT
fail() {
  echo "slurm: $*" >&2
  for log in "$work"/*.log "$work"/run/*.out; do
    [ -f "$log" ] && { echo "--- $log" >&2; tail -n 20 "$log" >&2; }
  done
  exit 1
}

# MUNGE: a fresh key and socket of our own, so a system munged is left alone.
dd if=/dev/urandom of="$work/munge.key" bs=1024 count=1 status=none
chmod 400 "$work/munge.key"
munged --foreground --force --key-file="$work/munge.key" --socket="$work/munge.sock" \
  --pid-file="$work/munged.pid" --seed-file="$work/munge.seed" \
  --log-file="$work/munged.log" > "$work/munged.out.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do [ -S "$work/munge.sock" ] && break; sleep 0.1; done
[ -S "$work/munge.sock" ] || fail "munged did not start"

# Slurm: one node, this machine as slurmd -C describes it, reached on 127.0.0.1.
host=$(hostname -s)
node=$(slurmd -C | head -n 1)
mkdir -p "$work/state" "$work/spool" "$work/run"
cat > "$work/slurm.conf" << EOF
ClusterName=ci
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
SlurmctldPort=${SLURMCTLD_PORT:-6817}
SlurmdPort=${SLURMD_PORT:-6818}
AuthType=auth/munge
AuthInfo=socket=$work/munge.sock
CredType=cred/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
$node NodeAddr=127.0.0.1 State=UNKNOWN
PartitionName=ci Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF=$work/slurm.conf
slurmctld -D -c -f "$SLURM_CONF" > "$work/slurmctld.out.log" 2>&1 &
pids+=($!)
slurmd -D -f "$SLURM_CONF" > "$work/slurmd.out.log" 2>&1 &
pids+=($!)
for _ in $(seq 60); do
  state=$(sinfo -h -N -o %T 2> /dev/null | head -n 1 || true)
  [ "$state" = idle ] && break
  sleep 0.5
done
[ "$state" = idle ] || fail "the node is not idle after 30 s (state: ${state:-none})"
echo "slurm: one-node cluster up ($node)"

# The recipe as a user submits it: 4 shards, one CPU each on this small node.
started=$(date +%s)
ids=$(cd "$work/run" && ARENA=$arena HANDS=200000 SEED=1 SHARDS=4 OUT=$work/run/seed-1 \
  "$repo/deploy/slurm/submit.sh" --cpus-per-task=1)
echo "slurm: $ids"
shards=$(echo "$ids" | sed -n 's/^shards: job \([0-9]*\).*/\1/p')
merge=$(echo "$ids" | sed -n 's/.*merge: job \([0-9]*\).*/\1/p')
for _ in $(seq 240); do
  [ -z "$(squeue -h -j "$shards,$merge" 2> /dev/null)" ] && break
  sleep 0.5
done
[ -z "$(squeue -h -j "$shards,$merge" 2> /dev/null)" ] || fail "jobs still queued after 120 s"
state=$(scontrol show job "$merge" | grep -o 'JobState=[A-Z]*' || true)
exit_code=$(scontrol show job "$merge" | grep -o ' ExitCode=[0-9:]*' || true)
[ "$state" = JobState=COMPLETED ] || fail "merge job $merge: $state$exit_code"
echo "slurm: 4 shards and the merge done in $(($(date +%s) - started)) s"

# The same run on one machine, and the merged files against it.
"$arena" run --hands 200000 --seed 1 --out "$work/whole" > /dev/null
merged=$work/run/seed-1/merged
for f in bots.csv seats.csv tracker.csv positions.csv blocks.csv; do
  cmp "$merged/$f" "$work/whole/$f" || fail "$f differs from the unsharded run's"
done
how_played='"(command|threads|elapsed_seconds|hands_per_second)":'
cmp <(grep -Ev "$how_played" "$merged/run.json") <(grep -Ev "$how_played" "$work/whole/run.json") \
  || fail "run.json differs from the unsharded run's (threads and time aside)"
rows=$(($(wc -l < "$merged/shards.csv") - 1))
[ "$rows" -eq 20 ] || fail "shards.csv has $rows rows, expected 4 shards x 5 bots"
echo "slurm: merged bots.csv, seats.csv, tracker.csv, positions.csv, blocks.csv and run.json match the unsharded run"
