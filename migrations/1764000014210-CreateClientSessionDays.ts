import { MigrationInterface, QueryRunner } from 'typeorm';

// A session (docs/outcome-reports.md): a signed or reviewed note of a real contact.
const SESSION = (n: string): string =>
  `${n}.status IN ('signed', 'reviewed') AND ${n}.contact_type IN ('in_person', 'phone', 'video', 'text')`;
const DAY = (instant: string): string => `(${instant} AT TIME ZONE 'UTC')::date`;

/** The rows of `client_session_days` computed from the notes (of the clients `where` selects). */
export const SESSION_DAYS_FROM_NOTES = (where = 'true'): string => `
  INSERT INTO client_session_days (client_id, days)
    SELECT n.client_id, array_agg(${DAY('n.started_at')} ORDER BY n.started_at)
    FROM session_note n WHERE ${SESSION('n')} AND (${where}) GROUP BY n.client_id`;

/**
 * The engagement report (issue 16) from one small row per client instead of the period's
 * sessions: `client_session_days.days` is the UTC day of each of the client's sessions, sorted
 * (a day once per session). Sorted, it answers any period with two binary searches
 * (`width_bucket(day, days)` is the number of sessions on or before `day`): the client's sessions
 * in the period, and their first session on or after a discharge day. Nothing in it depends on
 * the period, so the notes keep it: a trigger adds or removes one day in the note write's own
 * transaction, with one upsert by primary key (concurrent writers of one client queue on its row,
 * and each change is computed from the row's latest version).
 */
export class CreateClientSessionDays1764000014210 implements MigrationInterface {
  name = 'CreateClientSessionDays1764000014210';

  async up(q: QueryRunner): Promise<void> {
    // The backfill reads every session once (a million at the bench's size): longer than the
    // pool's 15 s statement limit on a loaded machine.
    await q.query(`SET LOCAL statement_timeout = 0`);
    await q.query(`
      CREATE TABLE client_session_days (
        client_id uuid PRIMARY KEY REFERENCES client (id) ON DELETE CASCADE,
        days date[] NOT NULL
      ) WITH (fillfactor = 80);

      CREATE FUNCTION client_session_days_trg() RETURNS trigger
      LANGUAGE plpgsql AS $fn$
      DECLARE
        was_s boolean := TG_OP <> 'INSERT' AND ${SESSION('OLD')};
        is_s boolean := TG_OP <> 'DELETE' AND ${SESSION('NEW')};
        old_day date;
        new_day date;
      BEGIN
        IF was_s THEN old_day := ${DAY('OLD.started_at')}; END IF;
        IF is_s THEN new_day := ${DAY('NEW.started_at')}; END IF;
        IF was_s AND is_s AND OLD.client_id = NEW.client_id AND old_day = new_day THEN
          RETURN NULL;
        END IF;
        IF was_s THEN
          -- One occurrence of the day out (the row may hold it several times).
          UPDATE client_session_days t
            SET days = t.days[:array_position(t.days, old_day) - 1] || t.days[array_position(t.days, old_day) + 1:]
            WHERE t.client_id = OLD.client_id AND old_day = ANY (t.days);
        END IF;
        IF is_s THEN
          -- In at its place: after the days on or before it (usually the end).
          INSERT INTO client_session_days AS t (client_id, days) VALUES (NEW.client_id, ARRAY[new_day])
            ON CONFLICT (client_id) DO UPDATE
            SET days = t.days[:width_bucket(new_day, t.days)] || new_day || t.days[width_bucket(new_day, t.days) + 1:];
        END IF;
        RETURN NULL;
      END $fn$;

      CREATE TRIGGER session_note_session_days_trg
        AFTER INSERT OR DELETE OR UPDATE OF status, contact_type, started_at, client_id ON session_note
        FOR EACH ROW EXECUTE FUNCTION client_session_days_trg();

      SET LOCAL work_mem = '64MB';
      ${SESSION_DAYS_FROM_NOTES()};
      ANALYZE client_session_days;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TRIGGER session_note_session_days_trg ON session_note;
      DROP FUNCTION client_session_days_trg();
      DROP TABLE client_session_days;
    `);
  }
}
