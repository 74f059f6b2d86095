import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Chaining every audit event at insert time held a per-organization lock until each commit, so all
 * audited requests of an organization queued behind one another. Events are now inserted
 * unchained (in the same transaction as the write they record) and sealed into the hash chain in
 * batches by `audit_event_seal`, which the worker runs continuously and the verify endpoint runs
 * first. Sealing only fills `seq`, `prev_hash` and `hash`, once; any other change is refused.
 */
export class SealAuditChainInBatches1764000006000 implements MigrationInterface {
  name = 'SealAuditChainInBatches1764000006000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TRIGGER audit_event_chain_trg ON audit_event;
      DROP FUNCTION audit_event_chain();
      ALTER TABLE audit_event ALTER COLUMN seq DROP NOT NULL, ALTER COLUMN hash DROP NOT NULL;
      CREATE INDEX audit_event_unsealed_idx ON audit_event (organization_id, occurred_at, id) WHERE seq IS NULL;

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
          RETURN NEW; -- sealing: the chain columns are written once, nothing else changes
        END IF;
        RAISE EXCEPTION 'audit_event is append-only' USING ERRCODE = 'insufficient_privilege';
      END
      $fn$;

      -- Runs with the owner's rights: the application role itself has no UPDATE on audit_event.
      CREATE FUNCTION audit_event_seal(org uuid, max_rows integer) RETURNS integer
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
      REVOKE ALL ON FUNCTION audit_event_seal(uuid, integer) FROM PUBLIC;
      GRANT EXECUTE ON FUNCTION audit_event_seal(uuid, integer) TO recovery_bridge_app;
    `);
    // Events written before this migration are already chained; nothing to backfill.
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DO $$ DECLARE o uuid; BEGIN
        FOR o IN SELECT DISTINCT organization_id FROM audit_event WHERE seq IS NULL LOOP
          PERFORM audit_event_seal(o, 2147483647);
        END LOOP;
      END $$;
      DROP FUNCTION audit_event_seal(uuid, integer);
      DROP INDEX audit_event_unsealed_idx;
      ALTER TABLE audit_event ALTER COLUMN seq SET NOT NULL, ALTER COLUMN hash SET NOT NULL;
      CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        RAISE EXCEPTION 'audit_event is append-only' USING ERRCODE = 'insufficient_privilege';
      END
      $fn$;
      CREATE FUNCTION audit_event_chain() RETURNS trigger LANGUAGE plpgsql AS $fn$
      DECLARE
        last_seq bigint;
        last_hash bytea;
      BEGIN
        PERFORM pg_advisory_xact_lock(hashtextextended('audit_event:' || NEW.organization_id::text, 0));
        SELECT seq, hash INTO last_seq, last_hash FROM audit_event
          WHERE organization_id = NEW.organization_id ORDER BY seq DESC LIMIT 1;
        NEW.seq := coalesce(last_seq, 0) + 1;
        NEW.prev_hash := last_hash;
        NEW.hash := audit_event_digest(NEW, last_hash);
        RETURN NEW;
      END
      $fn$;
      CREATE TRIGGER audit_event_chain_trg BEFORE INSERT ON audit_event
        FOR EACH ROW EXECUTE FUNCTION audit_event_chain();
    `);
  }
}
