#!/usr/bin/env bash
# Starts (again) one process of the test topology: api-1, api-2, worker-1, worker-2, the Postgres
# replica, or the Redis node on a port (redis-<port>). Used by the failover cases of
# `npm run test:topology` after they kill one.
source "$(dirname "$0")/lib.sh"
name=${1:?usage: start.sh api-1|api-2|worker-1|worker-2|replica|redis-<port>}
case $name in
  replica) start_pg replica ;;
  redis-[0-9]*) start_redis_node "${name#redis-}" ;;
  *) start_service_process "$name" ;;
esac
