import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Group sessions get the session notes' lifecycle (SPEC 6, issue 15): a draft the facilitator may
 * still correct (`PATCH` with `If-Match`), then signed and locked. Sessions recorded before this
 * migration were never signed, so they start as drafts. The list of the organization's sessions
 * (supervisors) pages on (organization, started_at, id).
 */
export class AddGroupSessionStatus1764000013500 implements MigrationInterface {
  name = 'AddGroupSessionStatus1764000013500';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE group_session
        ADD COLUMN status text NOT NULL DEFAULT 'draft'
          CONSTRAINT group_session_status_ck CHECK (status IN ('draft', 'signed')),
        ADD COLUMN signed_at timestamptz,
        ADD CONSTRAINT group_session_signed_ck CHECK ((status = 'signed') = (signed_at IS NOT NULL));
      CREATE INDEX group_session_org_time_idx ON group_session (organization_id, started_at DESC, id DESC);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX group_session_org_time_idx;
      ALTER TABLE group_session
        DROP CONSTRAINT group_session_signed_ck,
        DROP COLUMN signed_at,
        DROP COLUMN status;
    `);
  }
}
