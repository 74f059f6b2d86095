#!/bin/sh
# docker-entrypoint-initdb.d (first start of the postgres service): let the streaming replica of
# the `topology` profile (postgres-replica) connect for replication with the superuser's password.
echo "host replication postgres all scram-sha-256" >>"$PGDATA/pg_hba.conf"
