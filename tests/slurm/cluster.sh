# shellcheck shell=bash
# cluster.sh — a throw-away single-node Slurm cluster on localhost, for tests.
# Source it from bash, then:
#   tt_cluster_start DIR      write munge key + slurm.conf into DIR (a new directory;
#                             its parents need o+x, as munged checks the socket's path),
#                             start munged, slurmctld and slurmd, wait until
#                             the node is idle; exports SLURM_CONF. Returns 0, or 77 when
#                             Slurm/munge is not installed, or 1 on failure (with logs).
#   tt_cluster_stop           cancel our jobs, stop every daemon we started by its PID,
#                             then kill any process still carrying our marker in its
#                             environment (slurmstepd, job shells, MPI ranks). Idempotent.
# Needs root (slurmd runs jobs as their owner; SlurmUser=root). Nothing outside DIR is
# written or read except the Slurm/munge binaries and plugins; ports are picked free at
# random so the cluster can coexist with a real Slurm or another copy of this test.
# The daemons run in the foreground (-D / -F) as children of this shell, so a harness
# that kills the test's process tree kills them too.

TT_CLUSTER_DIR=
TT_CLUSTER_PIDS=()      # munged slurmctld slurmd, in start order

_tt_log() { echo "slurm-cluster: $*" >&2; }

# A TCP port nobody listens on (127.0.0.1), in 20000..59999.
_tt_free_port() {
  local p i
  for i in $(seq 1 50); do
    p=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      echo "$p"
      return 0
    fi
  done
  return 1
}

# Wait (at most $1 seconds) until command "${@:2}" succeeds.
_tt_wait_for() {
  local limit=$1 t=0
  shift
  while ! "$@" >/dev/null 2>&1; do
    [ "$t" -ge $((limit * 5)) ] && return 1
    sleep 0.2
    t=$((t + 1))
  done
}

_tt_dump_logs() {
  local f
  for f in "$TT_CLUSTER_DIR"/munged.{log,stdout} "$TT_CLUSTER_DIR"/slurmctld.{log,stdout} "$TT_CLUSTER_DIR"/slurmd.{log,stdout}; do
    [ -f "$f" ] && { echo "----- $f (last 30 lines)"; tail -n 30 "$f"; } >&2
  done
}

tt_cluster_start() {
  local d=$1 m memkb cpus ctld_port d_port i p b
  for b in munged slurmctld slurmd sbatch scontrol scancel squeue; do
    command -v "$b" >/dev/null 2>&1 || { _tt_log "$b not installed (apt-get install slurm-wlm munge)"; return 77; }
  done
  [ "$(id -u)" -eq 0 ] || { _tt_log "needs root (slurmd, SlurmUser=root)"; return 77; }
  TT_CLUSTER_DIR=$d
  mkdir -p "$d/state" "$d/spool" "$d/run"
  chmod 711 "$d"
  # munged requires execute permission for all on the socket's directory and its parents.
  p=$d
  while [ "$p" != / ]; do
    p=$(dirname "$p")
    [ "$(( $(stat -c %a "$p") % 2 ))" = 1 ] || { _tt_log "munged needs o+x on $p (chmod 711 it)"; return 1; }
  done
  # Every process of this cluster (daemons, slurmstepd, jobs) inherits this marker,
  # which tt_cluster_stop uses to find stragglers by PID.
  export TT_SLURM_CLUSTER_MARK="$d"
  export SLURM_CONF="$d/slurm.conf"

  # munge: a private key, socket, pid, log and seed file (munged insists on 0600/0700).
  dd if=/dev/urandom of="$d/munge.key" bs=1024 count=1 status=none
  chmod 600 "$d/munge.key"
  munged -F --socket="$d/munge.sock" --key-file="$d/munge.key" --pid-file="$d/munged.pid" \
    --log-file="$d/munged.log" --seed-file="$d/munged.seed" --num-threads=4 >>"$d/munged.stdout" 2>&1 &
  TT_CLUSTER_PIDS+=($!)
  if ! _tt_wait_for 10 test -S "$d/munge.sock"; then
    _tt_log "munged did not start"; _tt_dump_logs; return 1
  fi

  if ! ctld_port=$(_tt_free_port) || ! d_port=$(_tt_free_port); then
    _tt_log "no free port"
    return 1
  fi
  while [ "$d_port" = "$ctld_port" ]; do d_port=$(_tt_free_port); done
  memkb=$(awk '/^MemTotal:/ {print $2}' /proc/meminfo)
  m=$((memkb / 1024 / 2))
  # At least 4 CPUs, even on a 1-2 core machine (SlurmdParameters=config_overrides lets
  # slurmd accept it): test jobs are tiny and should not queue behind each other.
  cpus=$(nproc)
  [ "$cpus" -lt 4 ] && cpus=4
  : >"$d/plugstack.conf"
  cat >"$d/slurm.conf" <<EOF
# Written by tests/slurm/cluster.sh: a private one-node cluster on localhost.
ClusterName=ttest
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$d_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
# cred_expire: a requeued job waits this long before it may start again (default 120 s)
AuthInfo=socket=$d/munge.sock,cred_expire=10
StateSaveLocation=$d/state
SlurmdSpoolDir=$d/spool
SlurmctldPidFile=$d/run/slurmctld.pid
SlurmdPidFile=$d/run/slurmd.pid
SlurmctldLogFile=$d/slurmctld.log
SlurmdLogFile=$d/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
PlugStackConfig=$d/plugstack.conf
TmpFS=$d
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SwitchType=switch/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
ReturnToService=2
# schedule and backfill every 2 s (defaults 60 s and 30 s): a requeued job restarts promptly
SchedulerParameters=bf_interval=2,sched_interval=2
JobRequeue=1
KillWait=10
InactiveLimit=0
MinJobAge=600
MailProg=/bin/true
SlurmdParameters=config_overrides
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$m State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP OverSubscribe=NO
EOF
  slurmctld -D -i -f "$d/slurm.conf" >>"$d/slurmctld.stdout" 2>&1 &
  TT_CLUSTER_PIDS+=($!)
  if ! _tt_wait_for 20 scontrol ping; then
    _tt_log "slurmctld did not answer"; _tt_dump_logs; return 1
  fi
  slurmd -D -N localhost -f "$d/slurm.conf" >>"$d/slurmd.stdout" 2>&1 &
  TT_CLUSTER_PIDS+=($!)
  for i in $(seq 1 100); do
    case $(sinfo -h -n localhost -o %T 2>/dev/null) in
      idle*) return 0 ;;
    esac
    for p in "${TT_CLUSTER_PIDS[@]}"; do
      kill -0 "$p" 2>/dev/null || { _tt_log "a daemon exited (pid $p)"; _tt_dump_logs; return 1; }
    done
    sleep 0.2
  done
  _tt_log "node did not become idle: $(sinfo -h -N -o '%N %T %E' 2>&1)"
  _tt_dump_logs
  return 1
}

# Is $1 this shell or one of its descendants (e.g. the scanning pipeline itself)?
_tt_in_my_tree() {
  local p=$1 n=0
  while [ -n "$p" ] && [ "$p" -gt 1 ] && [ $n -lt 64 ]; do
    [ "$p" = "$$" ] && return 0
    p=$(awk '/^PPid:/ {print $2}' "/proc/$p/status" 2>/dev/null)
    n=$((n + 1))
  done
  return 1
}

# PIDs of live processes whose environment carries our marker and that are not
# descendants of this shell: slurmstepd, job scripts and MPI ranks that outlived slurmd.
_tt_marked_pids() {
  local e pid
  [ -n "$TT_CLUSTER_DIR" ] || return 0
  for e in /proc/[0-9]*/environ; do
    pid=${e#/proc/}
    pid=${pid%/environ}
    if tr '\0' '\n' 2>/dev/null <"$e" | grep -qxF "TT_SLURM_CLUSTER_MARK=$TT_CLUSTER_DIR"; then
      _tt_in_my_tree "$pid" || echo "$pid"
    fi
  done
}

_tt_stop_pid() {   # TERM, wait up to 5 s, then KILL
  local p=$1 i
  kill -0 "$p" 2>/dev/null || return 0
  kill -TERM "$p" 2>/dev/null
  for i in $(seq 1 25); do
    kill -0 "$p" 2>/dev/null || return 0
    sleep 0.2
  done
  kill -KILL "$p" 2>/dev/null
}

_tt_kill_leftovers() {
  local left
  left=$(_tt_marked_pids | tr '\n' ' ')
  [ -n "$left" ] || return 0
  _tt_log "killing leftover processes: $(ps -o pid=,args= -p "${left// /,}" 2>/dev/null | tr '\n' ';')"
  # shellcheck disable=SC2086
  kill -KILL $left 2>/dev/null
}

tt_cluster_stop() {
  local i p
  [ -n "$TT_CLUSTER_DIR" ] || return 0
  # Cancel our jobs while slurmctld is still up; give them a few seconds to end.
  if [ ${#TT_CLUSTER_PIDS[@]} -ge 2 ] && kill -0 "${TT_CLUSTER_PIDS[1]}" 2>/dev/null; then
    timeout 10 scancel --quiet --user="$(id -un)" 2>/dev/null
    for i in $(seq 1 25); do
      [ -z "$(timeout 5 squeue -h -o %i 2>/dev/null)" ] && break
      sleep 0.2
    done
  fi
  # Daemons in reverse start order: slurmd, slurmctld, munged (last: the others need it).
  for ((i = ${#TT_CLUSTER_PIDS[@]} - 1; i >= 0; i--)); do
    p=${TT_CLUSTER_PIDS[i]}
    if [ "$i" -eq 0 ]; then
      # stragglers (slurmstepd, job scripts, ranks) first, while munge still runs
      _tt_kill_leftovers
    fi
    _tt_stop_pid "$p"
    wait "$p" 2>/dev/null
  done
  _tt_kill_leftovers
  TT_CLUSTER_PIDS=()
  TT_CLUSTER_DIR=
  return 0
}
