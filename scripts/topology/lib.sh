# Shared by up.sh and down.sh: where the test topology lives and which ports it takes.
# RB_TOPOLOGY_DIR (default /tmp/rb-topology) holds every data directory, log and pid file;
# RB_TOPOLOGY_PORT_BASE (default 7400) is the first of the ports it listens on, all on 127.0.0.1:
#   +0 Postgres primary   +1 Postgres streaming replica   +2 PgBouncer (transaction mode)
#   +10..+12 Redis Cluster masters   +13..+15 their replicas
#   +20 HAProxy (the API's address)   +21, +22 the two APIs
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
DIR=${RB_TOPOLOGY_DIR:-/tmp/rb-topology}
BASE=${RB_TOPOLOGY_PORT_BASE:-7400}
PG_PRIMARY_PORT=$((BASE + 0))
PG_REPLICA_PORT=$((BASE + 1))
PGBOUNCER_PORT=$((BASE + 2))
REDIS_PORTS=($((BASE + 10)) $((BASE + 11)) $((BASE + 12)))
REDIS_REPLICA_PORTS=($((BASE + 13)) $((BASE + 14)) $((BASE + 15)))
LB_PORT=$((BASE + 20))
API_PORTS=($((BASE + 21)) $((BASE + 22)))
WORKERS=2
DB_NAME=recovery_bridge
PG_BIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
# Node 24, the dev dependency (npm sets NODE to the Node running npm, which may be another).
NODE=${RB_NODE:-$ROOT/node_modules/.bin/node}
[ -x "$NODE" ] || NODE=node

log() { printf '[topology] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

# Postgres and PgBouncer refuse to run as root: under root they run as the `postgres` user.
as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# The pid in a pid file, if that process is alive.
live_pid() {
  local file=$1 pid
  [ -f "$file" ] || return 1
  pid=$(head -1 "$file" | tr -dc 0-9)
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

# Starts a Postgres node, primary or replica, on its port; waits until it accepts connections.
PG_OPTS="-c listen_addresses=127.0.0.1 -k $DIR/run -c max_connections=300 -c wal_level=replica -c max_wal_senders=5 -c hot_standby=on -c fsync=off -c full_page_writes=off"
start_pg() { # primary|replica
  local port=$PG_PRIMARY_PORT
  [ "$1" = replica ] && port=$PG_REPLICA_PORT
  as_pg "$PG_BIN/pg_ctl" -D "$DIR/$1" -o "-p $port $PG_OPTS" -l "$DIR/logs/$1.log" -w start >/dev/null
}

# Starts one Redis Cluster node (its nodes.conf, once created, says which role it has). A master
# unreachable for a second (node timeout) is replaced by its replica at once (validity factor 0: a
# replica always may take over), as the failover case of npm run test:topology needs.
start_redis_node() { # port
  local port=$1
  mkdir -p "$DIR/redis/$port"
  redis-server --port "$port" --bind 127.0.0.1 --daemonize yes --dir "$DIR/redis/$port" \
    --pidfile "$DIR/redis/$port/redis.pid" --logfile "$DIR/logs/redis-$port.log" \
    --cluster-enabled yes --cluster-config-file "$DIR/redis/$port/nodes.conf" \
    --cluster-node-timeout 1000 --cluster-replica-validity-factor 0 \
    --appendonly yes --maxmemory-policy noeviction --save ''
  for _ in $(seq 1 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && return 0; sleep 0.1; done
  die "redis on $port did not start"
}

# Starts one service process, detached (a session of its own), from dist/ with service.env:
# api-1, api-2 (on API_PORTS) or worker-1, worker-2; its pid in pids/<name>.pid, its log in
# logs/<name>.log (appended: a restart keeps the earlier run's lines).
start_service_process() {
  local name=$1 extra cmd
  case $name in
    api-[0-9]*)
      extra="PORT=${API_PORTS[$((${name#api-} - 1))]}"
      cmd=(--max-old-space-size=192 --max-semi-space-size=16 dist/src/main.js) ;; # API_NODE_FLAGS
    worker-[0-9]*)
      extra="WORKER_HEARTBEAT_FILE=$DIR/run/$name.heartbeat"
      cmd=(--max-old-space-size=256 --max-semi-space-size=16 dist/src/worker.js) ;; # WORKER_NODE_FLAGS
    *) die "no such process: $name" ;;
  esac
  [ -f "$DIR/service.env" ] || die "the topology is not up ($DIR/service.env missing)"
  if live_pid "$DIR/pids/$name.pid" >/dev/null; then die "$name is running already"; fi
  (cd "$ROOT" && set -a && source "$DIR/service.env" && set +a && exec env "$extra" setsid "$NODE" "${cmd[@]}") \
    </dev/null >>"$DIR/logs/$name.log" 2>&1 &
  echo $! >"$DIR/pids/$name.pid"
}
