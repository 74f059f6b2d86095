#!/usr/bin/env bash
# Starts (again) one process of the test topology: api-1, api-2, worker-1 or worker-2.
# Used by the failover cases of `npm run test:topology` after they kill one.
source "$(dirname "$0")/lib.sh"
start_service_process "${1:?usage: start.sh api-1|api-2|worker-1|worker-2}"
