#!/usr/bin/env bash
# `npm run topology:up`: the multi-process topology of README "Scaling out", on this machine and
# without Docker, each piece on its own port and data directory under RB_TOPOLOGY_DIR (see lib.sh):
#   a Postgres primary and a streaming replica (initdb, pg_basebackup -R), PgBouncer in transaction
#   mode in front of both, a Redis Cluster of three masters and their replicas, two API processes
#   behind HAProxy and two workers, running the built service (dist/). Migrations and the demo seed
#   go to the primary directly; the API and the workers go through PgBouncer. Missing pgbouncer or
#   haproxy are installed from Debian's packages (apt-get, as root). Starts from scratch: a topology already up
#   is taken down first. Writes $RB_TOPOLOGY_DIR/topology.env for `npm run test:topology`.
# Environment: RB_TOPOLOGY_DIR, RB_TOPOLOGY_PORT_BASE, RB_TOPOLOGY_SKIP_BUILD=1 (dist/ is current),
# RB_TOPOLOGY_SCAN_INTERVAL_MS (the workers' SCHEDULED_SCAN_INTERVAL_MS, default 5000).
source "$(dirname "$0")/lib.sh"

SCAN_INTERVAL_MS=${RB_TOPOLOGY_SCAN_INTERVAL_MS:-5000}

# --- what it needs ---------------------------------------------------------------------------
[ -x "$PG_BIN/initdb" ] || die "no Postgres server binaries under /usr/lib/postgresql/*/bin (apt-get install postgresql)"
command -v redis-server >/dev/null && command -v redis-cli >/dev/null ||
  die "redis-server and redis-cli are needed (apt-get install redis-server)"
missing=()
command -v pgbouncer >/dev/null || missing+=(pgbouncer)
command -v haproxy >/dev/null || missing+=(haproxy)
if [ ${#missing[@]} -gt 0 ]; then
  [ "$(id -u)" = 0 ] || die "missing ${missing[*]}: run as root, or apt-get install ${missing[*]}"
  log "installing ${missing[*]} (apt-get)"
  apt-get install -y "${missing[@]}" >/dev/null || { apt-get update >/dev/null && apt-get install -y "${missing[@]}" >/dev/null; }
fi
for port in $PG_PRIMARY_PORT $PG_REPLICA_PORT $PGBOUNCER_PORT "${REDIS_PORTS[@]}" "${REDIS_REPLICA_PORTS[@]}" $LB_PORT "${API_PORTS[@]}"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && [ ! -d "$DIR" ]; then
    die "port $port is taken (set RB_TOPOLOGY_PORT_BASE)"
  fi
done

bash "$ROOT/scripts/topology/down.sh"
mkdir -p "$DIR"/{logs,pids,redis,pgbouncer,haproxy,run}
chmod 755 "$DIR"
chmod 1777 "$DIR/logs" # Postgres and PgBouncer write theirs as the postgres user
[ "$(id -u)" = 0 ] && chown postgres: "$DIR/pgbouncer" "$DIR/run"

if [ "${RB_TOPOLOGY_SKIP_BUILD:-}" != 1 ]; then
  log "building the service (npm run build)"
  (cd "$ROOT" && PATH="$(dirname "$NODE"):$PATH" "$ROOT/node_modules/.bin/nest" build) >"$DIR/logs/build.log" 2>&1 ||
    die "build failed, see $DIR/logs/build.log"
fi
[ -f "$ROOT/dist/src/main.js" ] || die "no dist/src/main.js: run npm run build"

# --- Postgres: a primary and a streaming replica ----------------------------------------------
log "Postgres primary on $PG_PRIMARY_PORT"
mkdir -p "$DIR/primary" && chmod 700 "$DIR/primary"
[ "$(id -u)" = 0 ] && chown postgres: "$DIR/primary"
as_pg "$PG_BIN/initdb" -D "$DIR/primary" -A trust -U postgres --no-sync >"$DIR/logs/initdb.log"
start_pg primary
PRIMARY_URL="postgres://postgres@127.0.0.1:$PG_PRIMARY_PORT/$DB_NAME"

log "streaming replica on $PG_REPLICA_PORT (pg_basebackup -R)"
mkdir -p "$DIR/replica" && chmod 700 "$DIR/replica"
[ "$(id -u)" = 0 ] && chown postgres: "$DIR/replica"
as_pg "$PG_BIN/pg_basebackup" -h 127.0.0.1 -p "$PG_PRIMARY_PORT" -U postgres -D "$DIR/replica" -R -X stream -c fast
start_pg replica
REPLICA_URL="postgres://postgres@127.0.0.1:$PG_REPLICA_PORT/$DB_NAME"

# --- schema and demo data, on the primary directly ----------------------------------------------
log "migrations and demo data (primary, directly)"
(cd "$ROOT" && NODE_ENV=development DATABASE_URL="$PRIMARY_URL" "$NODE" dist/src/scripts/db-setup.js) >"$DIR/logs/migrate.log" 2>&1 ||
  die "migrations failed, see $DIR/logs/migrate.log"
(cd "$ROOT" && NODE_ENV=development DATABASE_URL="$PRIMARY_URL" "$NODE" dist/src/scripts/seed-demo.js) >"$DIR/logs/seed.log" 2>&1 || die "demo seed failed, see $DIR/logs/seed.log"

# --- PgBouncer, transaction mode ----------------------------------------------------------------
# The pool's statement_timeout and idle_in_transaction_session_timeout are startup parameters,
# which PgBouncer refuses unless ignored: they are set per server connection by connect_query.
log "PgBouncer (transaction mode) on $PGBOUNCER_PORT"
CONNECT_QUERY="connect_query='SET statement_timeout = 15000; SET idle_in_transaction_session_timeout = 30000'"
cat >"$DIR/pgbouncer/pgbouncer.ini" <<INI
[databases]
$DB_NAME = host=127.0.0.1 port=$PG_PRIMARY_PORT dbname=$DB_NAME $CONNECT_QUERY
${DB_NAME}_replica = host=127.0.0.1 port=$PG_REPLICA_PORT dbname=$DB_NAME $CONNECT_QUERY

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $PGBOUNCER_PORT
unix_socket_dir = $DIR/pgbouncer
auth_type = trust
auth_file = $DIR/pgbouncer/userlist.txt
pool_mode = transaction
max_client_conn = 2000
default_pool_size = 20
; A client waits this long for a server connection (the standby restarting), not two minutes.
query_wait_timeout = 10
ignore_startup_parameters = extra_float_digits,statement_timeout,idle_in_transaction_session_timeout
logfile = $DIR/logs/pgbouncer.log
pidfile = $DIR/pgbouncer/pgbouncer.pid
admin_users = postgres
stats_users = postgres
INI
printf '"recovery_bridge_app" ""\n"postgres" ""\n' >"$DIR/pgbouncer/userlist.txt"
[ "$(id -u)" = 0 ] && chown -R postgres: "$DIR/pgbouncer"
as_pg pgbouncer -d "$DIR/pgbouncer/pgbouncer.ini"
APP_URL="postgres://recovery_bridge_app@127.0.0.1:$PGBOUNCER_PORT/$DB_NAME"
APP_REPLICA_URL="postgres://recovery_bridge_app@127.0.0.1:$PGBOUNCER_PORT/${DB_NAME}_replica"

# --- Redis Cluster, three masters and a replica of each ---------------------------------------
log "Redis Cluster: masters on ${REDIS_PORTS[*]}, replicas on ${REDIS_REPLICA_PORTS[*]}"
ALL_REDIS_PORTS=("${REDIS_PORTS[@]}" "${REDIS_REPLICA_PORTS[@]}")
for port in "${ALL_REDIS_PORTS[@]}"; do start_redis_node "$port"; done
# The first three given are the masters; --cluster-replicas 1 makes the other three their replicas.
redis-cli --cluster create $(printf '127.0.0.1:%s ' "${ALL_REDIS_PORTS[@]}") --cluster-replicas 1 --cluster-yes \
  >"$DIR/logs/redis-cluster-create.log" 2>&1 || die "redis-cli --cluster create failed, see $DIR/logs/redis-cluster-create.log"
for _ in $(seq 1 100); do
  ok=0
  for port in "${ALL_REDIS_PORTS[@]}"; do redis-cli -p "$port" cluster info | grep -q 'cluster_state:ok' && ok=$((ok + 1)); done
  [ $ok = ${#ALL_REDIS_PORTS[@]} ] && break
  sleep 0.1
done
[ $ok = ${#ALL_REDIS_PORTS[@]} ] || die "the Redis Cluster did not reach cluster_state:ok"
CLUSTER_NODES=$(printf '127.0.0.1:%s,' "${REDIS_PORTS[@]}")
CLUSTER_NODES=${CLUSTER_NODES%,}

# --- the service: two APIs, two workers -----------------------------------------------------------
JWT_SECRET=$(head -c 48 /dev/urandom | base64 -w0)
cat >"$DIR/service.env" <<ENV
NODE_ENV=production
LOG_LEVEL=info
DATABASE_URL=$PRIMARY_URL
DATABASE_APP_URL=$APP_URL
DATABASE_REPLICA_URL=$APP_REPLICA_URL
DATABASE_PREPARED_STATEMENTS=false
DATABASE_POOL_SIZE=10
REDIS_URL=redis://127.0.0.1:${REDIS_PORTS[0]}
REDIS_CLUSTER_NODES=$CLUSTER_NODES
JWT_SECRET=$JWT_SECRET
TRUST_PROXY=1
PUBLIC_BASE_URL=http://127.0.0.1:$LB_PORT
SCHEDULED_SCAN_INTERVAL_MS=$SCAN_INTERVAL_MS
WORKER_LOCK_DURATION_MS=5000
WORKER_STALLED_INTERVAL_MS=2000
# The reconciler restores jobs a Redis failover lost: every 3 s here (5 min by default).
RECONCILE_INTERVAL_MS=3000
# The failover test's webhook receiver listens on this machine (plain http, loopback).
WEBHOOK_HTTP_ALLOWED_HOSTS=127.0.0.1
WEBHOOK_TIMEOUT_MS=30000
ENV

for i in $(seq 1 $WORKERS); do
  log "worker $i"
  start_service_process "worker-$i"
done
for i in "${!API_PORTS[@]}"; do
  log "API $((i + 1)) on ${API_PORTS[$i]}"
  start_service_process "api-$((i + 1))"
done

# --- HAProxy in front of the APIs ---------------------------------------------------------------------
log "HAProxy on $LB_PORT"
cat >"$DIR/haproxy/haproxy.cfg" <<CFG
global
  maxconn 4000
  pidfile $DIR/haproxy/haproxy.pid
  daemon

defaults
  mode http
  timeout connect 2s
  timeout client 60s
  timeout server 60s
  option forwardfor
  # A refused connection (an API down, not yet marked so) goes to the other API; a request an
  # API received is never sent twice (it may have written).
  retries 2
  option redispatch 1
  retry-on conn-failure

frontend api
  bind 127.0.0.1:$LB_PORT
  default_backend apis

backend apis
  balance roundrobin
  option httpchk GET /health/ready
  http-check expect status 200
  default-server inter 1s fall 2 rise 2
  server api1 127.0.0.1:${API_PORTS[0]} check
  server api2 127.0.0.1:${API_PORTS[1]} check
CFG
haproxy -c -f "$DIR/haproxy/haproxy.cfg" >/dev/null || die "bad haproxy.cfg"
haproxy -f "$DIR/haproxy/haproxy.cfg"

# --- ready? -------------------------------------------------------------------------------------------
wait_until() { # seconds description command...
  local seconds=$1 what=$2
  shift 2
  for _ in $(seq 1 $((seconds * 4))); do "$@" >/dev/null 2>&1 && return 0; sleep 0.25; done
  die "$what not ready after ${seconds}s (see $DIR/logs)"
}
for i in "${!API_PORTS[@]}"; do
  wait_until 90 "API $((i + 1))" curl -fsS "http://127.0.0.1:${API_PORTS[$i]}/health/ready"
done
for i in $(seq 1 $WORKERS); do
  wait_until 90 "worker $i" test -s "$DIR/run/worker-$i.heartbeat"
done
wait_until 10 "HAProxy" curl -fsS "http://127.0.0.1:$LB_PORT/health/ready"

cat >"$DIR/topology.env" <<ENV
RB_TOPOLOGY_LB_URL=http://127.0.0.1:$LB_PORT
RB_TOPOLOGY_API_URLS=$(printf 'http://127.0.0.1:%s,' "${API_PORTS[@]}" | sed 's/,$//')
RB_TOPOLOGY_PRIMARY_URL=$PRIMARY_URL
RB_TOPOLOGY_REPLICA_URL=$REPLICA_URL
RB_TOPOLOGY_PGBOUNCER_URL=$APP_URL
RB_TOPOLOGY_REDIS_NODES=$CLUSTER_NODES
RB_TOPOLOGY_REDIS_REPLICA_NODES=$(printf '127.0.0.1:%s,' "${REDIS_REPLICA_PORTS[@]}" | sed 's/,$//')
RB_TOPOLOGY_WORKERS=$WORKERS
RB_TOPOLOGY_SCAN_INTERVAL_MS=$SCAN_INTERVAL_MS
ENV
log "up: API at http://127.0.0.1:$LB_PORT (HAProxy), logs in $DIR/logs; npm run test:topology; npm run topology:down"
