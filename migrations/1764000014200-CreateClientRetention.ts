import { MigrationInterface, QueryRunner } from 'typeorm';

// A session (docs/outcome-reports.md): a signed or reviewed note of a real contact.
const SESSION = (n: string): string =>
  `${n}.status IN ('signed', 'reviewed') AND ${n}.contact_type IN ('in_person', 'phone', 'video', 'text')`;
const DAY = (instant: string): string => `(${instant} AT TIME ZONE 'UTC')::date`;

// A client's first session day and whether they were active at day 30, 90 and 180 after it
// (a session on one of the 30 days ending on day N), from the sessions of the clients `where`
// (on alias `n`) selects: one pass over those sessions, grouped by client.
const ACTIVE = (n: number): string =>
  `coalesce(bool_or(s.day BETWEEN f.first_day + ${n - 29} AND f.first_day + ${n}), false)`;
const ROWS = (where: string): string => `
  WITH s AS (
    SELECT n.client_id, ${DAY('n.started_at')} AS day FROM session_note n WHERE ${SESSION('n')} ${where}
  ), f AS (
    SELECT client_id, min(day) AS first_day FROM s GROUP BY client_id
  )
  SELECT f.client_id, f.first_day, ${ACTIVE(30)}, ${ACTIVE(90)}, ${ACTIVE(180)}
  FROM f JOIN s ON s.client_id = f.client_id
  GROUP BY f.client_id, f.first_day`;

/**
 * Retention (issue 16's outcome report) per client, kept by the session notes themselves: the
 * first session's UTC day and whether the client was active at day 30, 90 and 180 after it depend
 * on the client's own sessions only, not on the report's period, so a trigger recomputes a client's
 * row in the note write's transaction whenever a note of theirs becomes, stops being or moves as a
 * session (an advisory lock per client serializes concurrent writers, and each statement of the
 * function reads a fresh snapshot). The retention report then reads 100,000 small rows instead of
 * probing a million notes.
 */
export class CreateClientRetention1764000014200 implements MigrationInterface {
  name = 'CreateClientRetention1764000014200';

  async up(q: QueryRunner): Promise<void> {
    // The backfill reads every session once (a million at the bench's size): longer than the
    // pool's 15 s statement limit on a loaded machine.
    await q.query(`SET LOCAL statement_timeout = 0`);
    await q.query(`
      CREATE TABLE client_retention (
        client_id uuid PRIMARY KEY REFERENCES client (id) ON DELETE CASCADE,
        first_day date NOT NULL,
        active_30 boolean NOT NULL,
        active_90 boolean NOT NULL,
        active_180 boolean NOT NULL
      );
      CREATE INDEX client_retention_first_day_idx ON client_retention (first_day) INCLUDE (client_id);

      CREATE FUNCTION client_retention_refresh(p_client uuid) RETURNS void
      LANGUAGE plpgsql AS $fn$
      BEGIN
        PERFORM pg_advisory_xact_lock(hashtextextended('client_retention:' || p_client::text, 0));
        DELETE FROM client_retention WHERE client_id = p_client;
        INSERT INTO client_retention (client_id, first_day, active_30, active_90, active_180)
          ${ROWS('AND n.client_id = p_client')};
      END $fn$;

      CREATE FUNCTION client_retention_trg() RETURNS trigger
      LANGUAGE plpgsql AS $fn$
      DECLARE
        was_s boolean := TG_OP <> 'INSERT' AND ${SESSION('OLD')};
        is_s boolean := TG_OP <> 'DELETE' AND ${SESSION('NEW')};
      BEGIN
        IF TG_OP = 'UPDATE' AND was_s = is_s AND (NOT was_s
            OR (OLD.client_id = NEW.client_id AND OLD.started_at = NEW.started_at)) THEN
          RETURN NULL;
        END IF;
        IF was_s THEN
          PERFORM client_retention_refresh(OLD.client_id);
        END IF;
        IF is_s AND (NOT was_s OR OLD.client_id <> NEW.client_id) THEN
          PERFORM client_retention_refresh(NEW.client_id);
        END IF;
        RETURN NULL;
      END $fn$;

      CREATE TRIGGER session_note_retention_trg
        AFTER INSERT OR DELETE OR UPDATE OF status, contact_type, started_at, client_id ON session_note
        FOR EACH ROW EXECUTE FUNCTION client_retention_trg();

      SET LOCAL work_mem = '64MB';
      INSERT INTO client_retention (client_id, first_day, active_30, active_90, active_180) ${ROWS('')};
      ANALYZE client_retention;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TRIGGER session_note_retention_trg ON session_note;
      DROP FUNCTION client_retention_trg();
      DROP FUNCTION client_retention_refresh(uuid);
      DROP TABLE client_retention;
    `);
  }
}
