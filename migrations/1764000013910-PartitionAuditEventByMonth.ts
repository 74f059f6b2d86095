import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit trail grows for years (SPEC 11: partitioned by month, kept six years by default).
 *
 * - `audit_event` becomes a table partitioned by `occurred_at`, one partition per month (UTC),
 *   named `audit_event_yYYYYmMM`, plus a DEFAULT partition so that an insert never fails when the
 *   worker has not created a month yet. The primary key is `(id, occurred_at)`, as partitioning
 *   requires; `seq` is unique per organization by the sealer's lock and checked by verification
 *   (a partitioned table cannot hold a unique key without the partition column).
 * - `audit_event_ensure_partitions(months_ahead)` creates the coming months (the worker calls it
 *   daily); a month whose rows already sit in the DEFAULT partition is left there.
 * - `audit_event_retire(keep)` detaches and drops the partitions wholly older than `keep`, after
 *   sealing them and recording each organization's last link in them in `audit_chain_anchor`:
 *   sealing continues from the anchor and verification starts from it.
 *
 * The application role still cannot change or remove events: the two functions run as the owner.
 * Existing events are copied over with their chain untouched.
 */
export class PartitionAuditEventByMonth1764000013910 implements MigrationInterface {
  name = 'PartitionAuditEventByMonth1764000013910';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP FUNCTION audit_event_seal(uuid, integer);
      DROP FUNCTION audit_event_digest(audit_event, bytea);

      CREATE TABLE audit_event_partitioned (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL,
        seq bigint,
        occurred_at timestamptz NOT NULL DEFAULT now(),
        actor_id uuid,
        actor_type text NOT NULL CHECK (actor_type IN ('user', 'api_client', 'system', 'anonymous')),
        actor_role text,
        action text NOT NULL,
        client_id uuid,
        resource_type text,
        resource_id text,
        outcome text NOT NULL CHECK (outcome IN ('success', 'denied', 'failure')),
        correlation_id text,
        prev_hash bytea,
        hash bytea,
        client_ids uuid[],
        PRIMARY KEY (id, occurred_at)
      ) PARTITION BY RANGE (occurred_at);
      CREATE TABLE audit_event_default PARTITION OF audit_event_partitioned DEFAULT;
      -- The application reaches events through the parent only (default privileges would grant
      -- it UPDATE and DELETE on each partition).
      REVOKE ALL ON audit_event_default FROM recovery_bridge_app;

      -- One partition for every month that holds events, and the three months to come.
      DO $do$
      DECLARE m timestamp; part text;
      BEGIN
        FOR m IN SELECT generate_series(
            date_trunc('month', coalesce((SELECT min(occurred_at) FROM audit_event), now()) AT TIME ZONE 'UTC'),
            date_trunc('month', now() AT TIME ZONE 'UTC') + interval '3 months', interval '1 month')
        LOOP
          part := 'audit_event_y' || to_char(m, 'YYYY') || 'm' || to_char(m, 'MM');
          EXECUTE format('CREATE TABLE %I PARTITION OF audit_event_partitioned FOR VALUES FROM (%L) TO (%L)',
            part, m AT TIME ZONE 'UTC', (m + interval '1 month') AT TIME ZONE 'UTC');
          EXECUTE format('REVOKE ALL ON %I FROM recovery_bridge_app', part);
        END LOOP;
      END
      $do$;

      INSERT INTO audit_event_partitioned (id, organization_id, seq, occurred_at, actor_id, actor_type,
          actor_role, action, client_id, resource_type, resource_id, outcome, correlation_id, prev_hash,
          hash, client_ids)
        SELECT id, organization_id, seq, occurred_at, actor_id, actor_type, actor_role, action,
          client_id, resource_type, resource_id, outcome, correlation_id, prev_hash, hash, client_ids
        FROM audit_event;
      DROP TABLE audit_event;
      ALTER TABLE audit_event_partitioned RENAME TO audit_event;
      ALTER TABLE audit_event RENAME CONSTRAINT audit_event_partitioned_pkey TO audit_event_pkey;

      CREATE INDEX audit_event_chain_idx ON audit_event (organization_id, seq);
      CREATE INDEX audit_event_org_time_idx ON audit_event (organization_id, occurred_at DESC, id DESC);
      CREATE INDEX audit_event_client_idx ON audit_event (client_id, occurred_at DESC) WHERE client_id IS NOT NULL;
      CREATE INDEX audit_event_client_ids_idx ON audit_event USING gin (client_ids) WHERE client_ids IS NOT NULL;
      CREATE INDEX audit_event_actor_idx ON audit_event (actor_id, occurred_at DESC) WHERE actor_id IS NOT NULL;
      CREATE INDEX audit_event_unsealed_idx ON audit_event (organization_id, occurred_at, id) WHERE seq IS NULL;

      -- The last link of each organization's chain in a retired (dropped) partition.
      CREATE TABLE audit_chain_anchor (
        organization_id uuid NOT NULL,
        seq bigint NOT NULL,
        hash bytea NOT NULL,
        partition_name text NOT NULL,
        retired_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (organization_id, seq)
      );
      REVOKE ALL ON audit_chain_anchor FROM recovery_bridge_app;
      GRANT SELECT ON audit_chain_anchor TO recovery_bridge_app;

      CREATE FUNCTION audit_event_digest(e audit_event, prev bytea) RETURNS bytea
      LANGUAGE sql STABLE AS $fn$
        SELECT sha256(coalesce(prev, '\\x'::bytea) || convert_to(concat_ws('|',
          e.id::text, e.organization_id::text, e.seq::text,
          to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
          coalesce(e.actor_id::text, '-'), e.actor_type, coalesce(e.actor_role, '-'), e.action,
          coalesce(e.client_id::text, '-'), coalesce(e.resource_type, '-'),
          coalesce(e.resource_id, '-'), e.outcome, coalesce(e.correlation_id, '-'),
          e.client_ids::text), 'UTF8'))
      $fn$;

      -- The head of an organization's chain: its last sealed event, or the anchor of a retired month.
      CREATE FUNCTION audit_chain_head(org uuid, OUT seq bigint, OUT hash bytea)
      LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $fn$
        SELECT h.seq, h.hash FROM (
          (SELECT e.seq, e.hash FROM audit_event e
            WHERE e.organization_id = org AND e.seq IS NOT NULL ORDER BY e.seq DESC LIMIT 1)
          UNION ALL
          (SELECT a.seq, a.hash FROM audit_chain_anchor a
            WHERE a.organization_id = org ORDER BY a.seq DESC LIMIT 1)) h
        ORDER BY h.seq DESC LIMIT 1
      $fn$;

      CREATE FUNCTION audit_event_seal(org uuid, max_rows integer) RETURNS integer
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $fn$
      DECLARE
        last_seq bigint;
        last_hash bytea;
        r audit_event%ROWTYPE;
        ids uuid[] := '{}';
        times timestamptz[] := '{}';
        seqs bigint[] := '{}';
        prevs bytea[] := '{}';
        hashes bytea[] := '{}';
      BEGIN
        PERFORM pg_advisory_xact_lock(hashtextextended('audit_event:' || org::text, 0));
        SELECT h.seq, h.hash INTO last_seq, last_hash FROM audit_chain_head(org) h;
        FOR r IN SELECT * FROM audit_event WHERE organization_id = org AND seq IS NULL
                 ORDER BY occurred_at, id LIMIT max_rows FOR UPDATE LOOP
          r.seq := coalesce(last_seq, 0) + 1;
          ids := ids || r.id;
          times := times || r.occurred_at;
          seqs := seqs || r.seq;
          prevs := prevs || last_hash;
          last_hash := audit_event_digest(r, last_hash);
          hashes := hashes || last_hash;
          last_seq := r.seq;
        END LOOP;
        UPDATE audit_event e SET seq = u.seq, prev_hash = u.prev, hash = u.hash
          FROM unnest(ids, times, seqs, prevs, hashes) AS u(id, occurred_at, seq, prev, hash)
          WHERE e.id = u.id AND e.occurred_at = u.occurred_at;
        RETURN cardinality(ids);
      END
      $fn$;
      REVOKE ALL ON FUNCTION audit_event_seal(uuid, integer) FROM PUBLIC;
      GRANT EXECUTE ON FUNCTION audit_event_seal(uuid, integer) TO recovery_bridge_app;
      REVOKE ALL ON FUNCTION audit_chain_head(uuid) FROM PUBLIC;
      GRANT EXECUTE ON FUNCTION audit_chain_head(uuid) TO recovery_bridge_app;

      CREATE FUNCTION audit_event_ensure_partitions(months_ahead integer) RETURNS integer
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $fn$
      DECLARE
        m timestamp;
        lo timestamptz;
        hi timestamptz;
        part text;
        created integer := 0;
      BEGIN
        PERFORM pg_advisory_xact_lock(hashtextextended('audit_event:partitions', 0));
        FOR m IN SELECT generate_series(date_trunc('month', now() AT TIME ZONE 'UTC'),
            date_trunc('month', now() AT TIME ZONE 'UTC') + make_interval(months => months_ahead),
            interval '1 month')
        LOOP
          part := 'audit_event_y' || to_char(m, 'YYYY') || 'm' || to_char(m, 'MM');
          lo := m AT TIME ZONE 'UTC';
          hi := (m + interval '1 month') AT TIME ZONE 'UTC';
          CONTINUE WHEN to_regclass(part) IS NOT NULL
            OR EXISTS (SELECT 1 FROM audit_event_default WHERE occurred_at >= lo AND occurred_at < hi);
          EXECUTE format('CREATE TABLE %I PARTITION OF audit_event FOR VALUES FROM (%L) TO (%L)', part, lo, hi);
          EXECUTE format('REVOKE ALL ON %I FROM recovery_bridge_app', part);
          created := created + 1;
        END LOOP;
        RETURN created;
      END
      $fn$;

      CREATE FUNCTION audit_event_retire(keep interval) RETURNS integer
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $fn$
      DECLARE
        p record;
        o uuid;
        retired integer := 0;
      BEGIN
        PERFORM pg_advisory_xact_lock(hashtextextended('audit_event:partitions', 0));
        FOR p IN SELECT c.relname AS name,
              (regexp_match(pg_get_expr(c.relpartbound, c.oid), 'TO \\(''([^'']+)''\\)'))[1]::timestamptz AS upper_bound
            FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
            WHERE i.inhparent = 'audit_event'::regclass AND c.relname <> 'audit_event_default'
            ORDER BY 2
        LOOP
          EXIT WHEN p.upper_bound > now() - keep;
          -- Seal what is pending for the organizations in it, then keep each one's last link.
          FOR o IN EXECUTE format('SELECT DISTINCT organization_id FROM %I WHERE seq IS NULL', p.name) LOOP
            PERFORM audit_event_seal(o, 2147483647);
          END LOOP;
          EXECUTE format(
            'INSERT INTO audit_chain_anchor (organization_id, seq, hash, partition_name)
             SELECT DISTINCT ON (organization_id) organization_id, seq, hash, %L FROM %I
             ORDER BY organization_id, seq DESC
             ON CONFLICT DO NOTHING', p.name, p.name);
          EXECUTE format('ALTER TABLE audit_event DETACH PARTITION %I', p.name);
          EXECUTE format('DROP TABLE %I', p.name);
          retired := retired + 1;
        END LOOP;
        RETURN retired;
      END
      $fn$;
      REVOKE ALL ON FUNCTION audit_event_ensure_partitions(integer) FROM PUBLIC;
      GRANT EXECUTE ON FUNCTION audit_event_ensure_partitions(integer) TO recovery_bridge_app;
      REVOKE ALL ON FUNCTION audit_event_retire(interval) FROM PUBLIC;
      GRANT EXECUTE ON FUNCTION audit_event_retire(interval) TO recovery_bridge_app;

      CREATE TRIGGER audit_event_no_change_trg BEFORE UPDATE OR DELETE ON audit_event
        FOR EACH ROW EXECUTE FUNCTION audit_event_append_only();
      CREATE TRIGGER audit_event_no_truncate_trg BEFORE TRUNCATE ON audit_event
        FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only();
      REVOKE ALL ON audit_event FROM recovery_bridge_app;
      GRANT SELECT, INSERT ON audit_event TO recovery_bridge_app;
    `);
  }

  async down(): Promise<void> {
    // Going back would mean copying years of events into one table again: restore from a backup
    // taken before this migration instead.
    throw new Error('PartitionAuditEventByMonth cannot be reverted in place');
  }
}
