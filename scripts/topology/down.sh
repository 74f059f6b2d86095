#!/usr/bin/env bash
# `npm run topology:down`: stops every process of the test topology (by its pid file only) and
# removes RB_TOPOLOGY_DIR. Idempotent: a topology half up, or not up at all, is fine.
source "$(dirname "$0")/lib.sh"

[ -d "$DIR" ] || { log "nothing at $DIR"; exit 0; }

stop_pid_file() { # file [signal]
  local pid
  pid=$(live_pid "$1") || return 0
  kill "-${2:-TERM}" "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
}

# Load balancer first, then the service, then what it stands on.
stop_pid_file "$DIR/haproxy/haproxy.pid"
for f in "$DIR"/pids/api-*.pid "$DIR"/pids/worker-*.pid; do [ -e "$f" ] && stop_pid_file "$f"; done
stop_pid_file "$DIR/pgbouncer/pgbouncer.pid"
for port in "${REDIS_PORTS[@]}" "${REDIS_REPLICA_PORTS[@]}"; do stop_pid_file "$DIR/redis/$port/redis.pid"; done
for pg in replica primary; do
  if [ -f "$DIR/$pg/postmaster.pid" ]; then
    as_pg "$PG_BIN/pg_ctl" -D "$DIR/$pg" -m fast -w stop >/dev/null 2>&1 || stop_pid_file "$DIR/$pg/postmaster.pid"
  fi
done
rm -rf "$DIR"
log "down; $DIR removed"
