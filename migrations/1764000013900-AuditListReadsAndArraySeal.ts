import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit trail kept pace with writes but not with reads: a caseload read of 50 clients wrote
 * 50 events, and the sealer linked them one `UPDATE` at a time. Two changes:
 *
 * - A list read is now ONE event naming every client shown in `client_ids` (GIN-indexed), so
 *   "who accessed this client" stays one indexed query (`client_id = $1 OR client_ids @> ARRAY[$1]`)
 *   and SPEC 9's meaning holds: every client shown is findable as accessed.
 * - `audit_event_seal` computes the batch's links in memory and writes them with one `UPDATE`
 *   over arrays instead of one `UPDATE` per event.
 *
 * `client_ids` joins the hash: `concat_ws` skips NULLs, so every event sealed before this
 * migration (where it is NULL) hashes exactly as before and old chains still verify.
 */
export class AuditListReadsAndArraySeal1764000013900 implements MigrationInterface {
  name = 'AuditListReadsAndArraySeal1764000013900';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE audit_event ADD COLUMN client_ids uuid[];
      CREATE INDEX audit_event_client_ids_idx ON audit_event USING gin (client_ids)
        WHERE client_ids IS NOT NULL;

      CREATE OR REPLACE FUNCTION audit_event_digest(e audit_event, prev bytea) RETURNS bytea
      LANGUAGE sql STABLE AS $fn$
        SELECT sha256(coalesce(prev, '\\x'::bytea) || convert_to(concat_ws('|',
          e.id::text, e.organization_id::text, e.seq::text,
          to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
          coalesce(e.actor_id::text, '-'), e.actor_type, coalesce(e.actor_role, '-'), e.action,
          coalesce(e.client_id::text, '-'), coalesce(e.resource_type, '-'),
          coalesce(e.resource_id, '-'), e.outcome, coalesce(e.correlation_id, '-'),
          e.client_ids::text), 'UTF8'))
      $fn$;

      CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        IF TG_OP = 'UPDATE' AND OLD.seq IS NULL AND OLD.hash IS NULL AND NEW.seq IS NOT NULL
           AND NEW.hash IS NOT NULL
           AND (NEW.id, NEW.organization_id, NEW.occurred_at, NEW.actor_id, NEW.actor_type, NEW.actor_role,
                NEW.action, NEW.client_id, NEW.resource_type, NEW.resource_id, NEW.outcome, NEW.correlation_id,
                NEW.client_ids)
               IS NOT DISTINCT FROM
               (OLD.id, OLD.organization_id, OLD.occurred_at, OLD.actor_id, OLD.actor_type, OLD.actor_role,
                OLD.action, OLD.client_id, OLD.resource_type, OLD.resource_id, OLD.outcome, OLD.correlation_id,
                OLD.client_ids)
        THEN
          RETURN NEW; -- sealing: the chain columns are written once, nothing else changes
        END IF;
        RAISE EXCEPTION 'audit_event is append-only' USING ERRCODE = 'insufficient_privilege';
      END
      $fn$;

      CREATE OR REPLACE FUNCTION audit_event_seal(org uuid, max_rows integer) RETURNS integer
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $fn$
      DECLARE
        last_seq bigint;
        last_hash bytea;
        r audit_event%ROWTYPE;
        ids uuid[] := '{}';
        seqs bigint[] := '{}';
        prevs bytea[] := '{}';
        hashes bytea[] := '{}';
      BEGIN
        PERFORM pg_advisory_xact_lock(hashtextextended('audit_event:' || org::text, 0));
        SELECT seq, hash INTO last_seq, last_hash FROM audit_event
          WHERE organization_id = org AND seq IS NOT NULL ORDER BY seq DESC LIMIT 1;
        FOR r IN SELECT * FROM audit_event WHERE organization_id = org AND seq IS NULL
                 ORDER BY occurred_at, id LIMIT max_rows FOR UPDATE LOOP
          r.seq := coalesce(last_seq, 0) + 1;
          ids := ids || r.id;
          seqs := seqs || r.seq;
          prevs := prevs || last_hash;
          last_hash := audit_event_digest(r, last_hash);
          hashes := hashes || last_hash;
          last_seq := r.seq;
        END LOOP;
        UPDATE audit_event e SET seq = u.seq, prev_hash = u.prev, hash = u.hash
          FROM unnest(ids, seqs, prevs, hashes) AS u(id, seq, prev, hash)
          WHERE e.id = u.id;
        RETURN cardinality(ids);
      END
      $fn$;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE FUNCTION audit_event_seal(org uuid, max_rows integer) RETURNS integer
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $fn$
      DECLARE
        last_seq bigint;
        last_hash bytea;
        next_hash bytea;
        r audit_event%ROWTYPE;
        sealed integer := 0;
      BEGIN
        PERFORM pg_advisory_xact_lock(hashtextextended('audit_event:' || org::text, 0));
        SELECT seq, hash INTO last_seq, last_hash FROM audit_event
          WHERE organization_id = org AND seq IS NOT NULL ORDER BY seq DESC LIMIT 1;
        FOR r IN SELECT * FROM audit_event WHERE organization_id = org AND seq IS NULL
                 ORDER BY occurred_at, id LIMIT max_rows FOR UPDATE LOOP
          r.seq := coalesce(last_seq, 0) + 1;
          next_hash := audit_event_digest(r, last_hash);
          UPDATE audit_event SET seq = r.seq, prev_hash = last_hash, hash = next_hash WHERE id = r.id;
          last_seq := r.seq;
          last_hash := next_hash;
          sealed := sealed + 1;
        END LOOP;
        RETURN sealed;
      END
      $fn$;
      CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        IF TG_OP = 'UPDATE' AND OLD.seq IS NULL AND OLD.hash IS NULL AND NEW.seq IS NOT NULL
           AND NEW.hash IS NOT NULL
           AND (NEW.id, NEW.organization_id, NEW.occurred_at, NEW.actor_id, NEW.actor_type, NEW.actor_role,
                NEW.action, NEW.client_id, NEW.resource_type, NEW.resource_id, NEW.outcome, NEW.correlation_id)
               IS NOT DISTINCT FROM
               (OLD.id, OLD.organization_id, OLD.occurred_at, OLD.actor_id, OLD.actor_type, OLD.actor_role,
                OLD.action, OLD.client_id, OLD.resource_type, OLD.resource_id, OLD.outcome, OLD.correlation_id)
        THEN
          RETURN NEW;
        END IF;
        RAISE EXCEPTION 'audit_event is append-only' USING ERRCODE = 'insufficient_privilege';
      END
      $fn$;
      DROP INDEX audit_event_client_ids_idx;
      ALTER TABLE audit_event DROP COLUMN client_ids;
      CREATE OR REPLACE FUNCTION audit_event_digest(e audit_event, prev bytea) RETURNS bytea
      LANGUAGE sql STABLE AS $fn$
        SELECT sha256(coalesce(prev, '\\x'::bytea) || convert_to(concat_ws('|',
          e.id::text, e.organization_id::text, e.seq::text,
          to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
          coalesce(e.actor_id::text, '-'), e.actor_type, coalesce(e.actor_role, '-'), e.action,
          coalesce(e.client_id::text, '-'), coalesce(e.resource_type, '-'),
          coalesce(e.resource_id, '-'), e.outcome, coalesce(e.correlation_id, '-')), 'UTF8'))
      $fn$;
    `);
  }
}
