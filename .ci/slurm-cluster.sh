#!/usr/bin/env bash
# A one-node Slurm cluster on this machine, for the Slurm test (test/slurm/) and for trying
# `rramsim slurm` without a real cluster. Run as root; needs Debian's slurmctld, slurmd, munge and
# slurm-client (.ci/run installs them).
#
#   .ci/slurm-cluster.sh up       munge key (created if absent), /etc/slurm/slurm.conf, start munged,
#                                 slurmctld and slurmd, wait until `sinfo` shows the node idle
#   .ci/slurm-cluster.sh down     stop the three daemons this script started (by their pid files)
#   .ci/slurm-cluster.sh status   print what answers
#
# `up` is idempotent: daemons already running are left alone, the config is rewritten only when it
# changed (then slurmctld/slurmd are restarted), and a node left down/drained is resumed. An
# /etc/slurm/slurm.conf not written by this script is never overwritten (exit 2).
#
# The cluster: ClusterName=rramsim, controller and the one node on `hostname -s` (address
# 127.0.0.1), the node's CPUs and RealMemory as `slurmd -C` reports them, one partition `main`
# (default, no time limit), select/cons_tres with CR_Core (cores are the consumable resource;
# --mem is checked against RealMemory but not reserved), proctrack/linuxproc and task/none (no
# cgroups needed: sandboxes and containers often have none), no accounting, state under /var/spool,
# logs under /var/log/slurm, daemons as root.
set -euo pipefail
export PATH="/usr/sbin:/usr/bin:/sbin:/bin:$PATH"

CONF=/etc/slurm/slurm.conf
MARK='# written by rramsim .ci/slurm-cluster.sh'
MUNGE_KEY=/etc/munge/munge.key
MUNGE_PID=/run/munge/munged.pid
CTLD_PID=/run/slurmctld.pid
SLURMD_PID=/run/slurmd.pid
LOGDIR=/var/log/slurm
HOST=$(hostname -s)

say() { echo "slurm-cluster: $*" >&2; }
die() { say "$*"; exit 2; }

# pid from a pid file when that process is alive, else nothing
live_pid() { local f=$1 p; [ -s "$f" ] || return 1; p=$(cat "$f"); [ -n "$p" ] && kill -0 "$p" 2>/dev/null && echo "$p"; }

munge_ok() { munge -n </dev/null 2>/dev/null | unmunge >/dev/null 2>&1; }
ctld_ok() { scontrol ping 2>/dev/null | grep -q 'is UP'; }
node_state() { sinfo -h -N -n "$HOST" -o '%t' 2>/dev/null | head -n1; }

# wait up to $1 seconds for command "${@:2}" to succeed
wait_for() {
  local secs=$1; shift
  for _ in $(seq 1 $((secs * 2))); do "$@" && return 0; sleep 0.5; done
  return 1
}

conf_text() {
  local node
  # first line of `slurmd -C`: NodeName=… CPUs=… Boards=… SocketsPerBoard=… CoresPerSocket=… ThreadsPerCore=… RealMemory=…
  node=$(slurmd -C | head -n1)
  case "$node" in NodeName=*) ;; *) die "unexpected output of 'slurmd -C': $node" ;; esac
  cat <<EOF
$MARK (one-node test cluster; do not edit, rerun the script)
ClusterName=rramsim
SlurmctldHost=$HOST(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
ReturnToService=2
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldPidFile=$CTLD_PID
SlurmdPidFile=$SLURMD_PID
SlurmctldLogFile=$LOGDIR/slurmctld.log
SlurmdLogFile=$LOGDIR/slurmd.log
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
$node NodeAddr=127.0.0.1 State=UNKNOWN
PartitionName=main Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
EOF
}

munge_up() {
  if [ ! -s "$MUNGE_KEY" ]; then
    say "creating $MUNGE_KEY"
    install -d -o munge -g munge -m 0700 /etc/munge
    mungekey --create --keyfile="$MUNGE_KEY"
    chown munge:munge "$MUNGE_KEY"
    chmod 0400 "$MUNGE_KEY"
  fi
  install -d -o munge -g munge -m 0755 /run/munge
  install -d -o munge -g munge -m 0700 /var/lib/munge /var/log/munge
  if munge_ok; then return 0; fi
  say "starting munged"
  runuser -u munge -- munged
  wait_for 20 munge_ok || die "munged does not answer (see /var/log/munge/munged.log)"
}

stop_pidfile() { # name pidfile
  local p
  if p=$(live_pid "$2"); then
    say "stopping $1 (pid $p)"
    kill "$p"
    for _ in $(seq 1 40); do kill -0 "$p" 2>/dev/null || return 0; sleep 0.25; done
    say "$1 (pid $p) did not stop"; return 1
  fi
}

up() {
  [ "$(id -u)" = 0 ] || die "run as root (it writes /etc/slurm/slurm.conf and starts daemons)"
  for b in munged munge slurmctld slurmd sinfo scontrol sbatch; do
    command -v "$b" >/dev/null || die "'$b' not found: apt-get install munge slurmctld slurmd slurm-client"
  done
  munge_up

  install -d -m 0755 /etc/slurm "$LOGDIR"
  install -d -m 0700 /var/spool/slurmctld
  install -d -m 0755 /var/spool/slurmd
  local new changed=0
  new=$(conf_text)
  if [ -e "$CONF" ] && ! head -n1 "$CONF" | grep -qF "$MARK"; then
    die "$CONF exists and was not written by this script; not touching it (move it away to use the test cluster)"
  fi
  if [ ! -e "$CONF" ] || [ "$(cat "$CONF")" != "$new" ]; then
    printf '%s\n' "$new" >"$CONF.tmp.$$" && chmod 0644 "$CONF.tmp.$$" && mv "$CONF.tmp.$$" "$CONF"
    say "wrote $CONF"
    changed=1
  fi
  if [ "$changed" = 1 ]; then # daemons started with an older config: restart them
    stop_pidfile slurmd "$SLURMD_PID" || true
    stop_pidfile slurmctld "$CTLD_PID" || true
  fi

  if ! live_pid "$CTLD_PID" >/dev/null; then
    say "starting slurmctld"
    slurmctld
  fi
  wait_for 30 ctld_ok || die "slurmctld does not answer (see $LOGDIR/slurmctld.log)"
  if ! live_pid "$SLURMD_PID" >/dev/null; then
    say "starting slurmd"
    slurmd
  fi

  # node states: idle, mix, alloc are usable; down/drain (e.g. after an unclean stop) are resumed
  local st=''
  for _ in $(seq 1 120); do
    st=$(node_state)
    case "$st" in
      idle | mix | alloc) break ;;
      down* | drain* | drng*) scontrol update NodeName="$HOST" State=RESUME 2>/dev/null || true ;;
    esac
    sleep 0.5
  done
  case "$st" in
    idle | mix | alloc) say "node $HOST is $st: $(sinfo -h -N -n "$HOST" -o '%c CPUs, %m MB')" ;;
    *) die "node $HOST did not come up (state '$st'; see $LOGDIR/slurmd.log, $LOGDIR/slurmctld.log)" ;;
  esac
}

down() {
  stop_pidfile slurmd "$SLURMD_PID" || true
  stop_pidfile slurmctld "$CTLD_PID" || true
  stop_pidfile munged "$MUNGE_PID" || true
}

status() {
  local p
  for d in "munged $MUNGE_PID" "slurmctld $CTLD_PID" "slurmd $SLURMD_PID"; do
    set -- $d
    if p=$(live_pid "$2"); then echo "$1: running (pid $p)"; else echo "$1: not running"; fi
  done
  echo "node $HOST: $(node_state || true)"
}

case "${1:-up}" in
  up) up ;;
  down) down ;;
  status) status ;;
  *) echo "usage: $0 [up|down|status]" >&2; exit 2 ;;
esac
