# PgBouncer from Debian 12 (1.18, as `npm run topology:up` runs it): transaction mode, no
# prepared-statement tracking, hence DATABASE_PREPARED_STATEMENTS=false in the topology profile.
FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends pgbouncer \
  && rm -rf /var/lib/apt/lists/*
COPY pgbouncer.ini /etc/pgbouncer/topology.ini
USER postgres
# The app role's password comes from the environment into the auth file (SCRAM to both sides).
CMD ["sh", "-c", "printf '\"recovery_bridge_app\" \"%s\"\\n' \"$DATABASE_APP_PASSWORD\" > /tmp/userlist.txt && exec pgbouncer /etc/pgbouncer/topology.ini"]
