import { MigrationInterface, QueryRunner } from 'typeorm';

// A session (docs/outcome-reports.md): a signed or reviewed note of a real contact.
const SESSION = `status IN ('signed', 'reviewed') AND contact_type IN ('in_person', 'phone', 'video', 'text')`;

/**
 * The outcome reports (issue 16) read sessions by organization and period, and probe a client's
 * sessions around a day: two partial indexes that the reports read without touching the notes'
 * ~1 KB rows (index-only scans). The application role runs without JIT in this database: on
 * these reports JIT compilation alone took seconds, and the service's other statements are short.
 */
export class IndexSessionsForReports1764000013710 implements MigrationInterface {
  name = 'IndexSessionsForReports1764000013710';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE INDEX session_note_session_org_idx ON session_note (organization_id, started_at)
        INCLUDE (client_id) WHERE ${SESSION};
      CREATE INDEX session_note_session_client_idx ON session_note (client_id, started_at) WHERE ${SESSION};
      DO $$ BEGIN
        EXECUTE format('ALTER ROLE recovery_bridge_app IN DATABASE %I SET jit = off', current_database());
      END $$;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX session_note_session_client_idx;
      DROP INDEX session_note_session_org_idx;
      DO $$ BEGIN
        EXECUTE format('ALTER ROLE recovery_bridge_app IN DATABASE %I RESET jit', current_database());
      END $$;
    `);
  }
}
