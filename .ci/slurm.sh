#!/usr/bin/env bash
# The README's Slurm recipe, run for real: a one-machine Slurm cluster (munged, slurmctld and slurmd
# with a generated configuration: this machine's CPUs, one partition) runs the job array of
# scripts/slurm/shards.sh with a small number of runs, `casus merge` combines the shards, and the
# merged summary.json, runs.csv, runs_by_actor.csv and charts must equal a single `casus run` byte for byte. A failed
# task fails the script with its log. The daemons started here are stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

if ! command -v sbatch > /dev/null || ! command -v munged > /dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge > /dev/null
fi
cargo build --release --locked --quiet
casus="$root/target/release/casus"
scenario="$root/scenarios/northeast_asia_2024.json"
shards=4
runs=2000

work=$(mktemp -d)
pids=()
# Whether a process is still running (a zombie has finished).
running() { [ -e "/proc/$1" ] && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2> /dev/null; }
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2> /dev/null || true; done
  # The daemons write their last files as they stop: wait for them (at most 10 s) before removing.
  for _ in $(seq 100); do
    alive=0
    for pid in "${pids[@]}"; do running "$pid" && alive=1; done
    [ "$alive" = 0 ] && break
    sleep 0.1
  done
  rm -rf "$work" || true
}
trap cleanup EXIT

# munge: the daemon Slurm authenticates with, its own key and socket.
mkdir -p "$work/munge"
dd if=/dev/urandom bs=1 count=1024 of="$work/munge/key" 2> /dev/null
chmod 400 "$work/munge/key"
munged --force --key-file="$work/munge/key" --socket="$work/munge/socket" \
  --pid-file="$work/munge/pid" --log-file="$work/munge/log" --seed-file="$work/munge/seed"
pids+=("$(cat "$work/munge/pid")")

host=$(hostname -s)
cpus=$(nproc)
mkdir -p "$work/state" "$work/spool" "$work/log"
export SLURM_CONF="$work/slurm.conf"
cat > "$SLURM_CONF" <<CONF
ClusterName=casus-ci
SlurmctldHost=$host
SlurmUser=root
AuthType=auth/munge
AuthInfo=socket=$work/munge/socket
CredType=cred/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/log/slurmctld.log
SlurmdLogFile=$work/log/slurmd.log
NodeName=$host CPUs=$cpus State=UNKNOWN
PartitionName=ci Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
slurmctld -f "$SLURM_CONF"
slurmd -f "$SLURM_CONF"
for _ in $(seq 60); do
  [ -s "$work/slurmctld.pid" ] && [ -s "$work/slurmd.pid" ] && break
  sleep 0.5
done
pids+=("$(cat "$work/slurmctld.pid")" "$(cat "$work/slurmd.pid")")
for _ in $(seq 120); do
  state=$(sinfo -h -o %T 2> /dev/null || true)
  [ "$state" = idle ] && break
  sleep 0.5
done
if [ "$state" != idle ]; then
  echo "the Slurm node did not come up (state: ${state:-none})" >&2
  cat "$work"/log/*.log >&2
  exit 1
fi

# The README's job array, with a small number of runs: the file itself, not a copy.
mkdir -p "$work/job"
if ! sbatch --wait --array="0-$((shards - 1))" --chdir="$work/job" --output="$work/job/task-%a.log" \
    --export="ALL,SHARDS=$shards,RUNS=$runs,SCENARIO=$scenario,CASUS=$casus" \
    scripts/slurm/shards.sh; then
  echo "a task of the job array failed:" >&2
  for log in "$work"/job/task-*.log; do
    echo "--- $log" >&2
    cat "$log" >&2
  done
  exit 1
fi

(cd "$work/job" && "$casus" merge --quiet --out merged shards/*)
"$casus" run "$scenario" --runs "$runs" --quiet --out "$work/whole"
for file in summary.json runs.csv runs_by_actor.csv highest.svg at_war_by_step.svg escalation.svg; do
  cmp "$work/whole/$file" "$work/job/merged/$file"
done
echo "slurm: $shards array tasks merged, byte for byte a single run of $runs"
