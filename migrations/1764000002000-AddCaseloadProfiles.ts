import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Specialist profiles (per-specialist caseload cap), continuing-education and supervision-hour
 * ledgers, and the indexes client search and caseload dashboards lean on.
 */
export class AddCaseloadProfiles1764000002000 implements MigrationInterface {
  name = 'AddCaseloadProfiles1764000002000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE specialist_profile (
        user_id uuid PRIMARY KEY REFERENCES app_user(id) ON DELETE CASCADE,
        organization_id uuid NOT NULL REFERENCES organization(id),
        caseload_cap integer CONSTRAINT specialist_profile_cap_ck CHECK (caseload_cap BETWEEN 1 AND 1000),
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );

      CREATE TABLE specialist_ce_hour (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organization(id),
        user_id uuid NOT NULL REFERENCES app_user(id) ON DELETE CASCADE,
        hours numeric(5, 2) NOT NULL CONSTRAINT specialist_ce_hour_hours_ck CHECK (hours > 0),
        category text NOT NULL CONSTRAINT specialist_ce_hour_category_ck CHECK (category IN ('ethics', 'general')),
        completed_on date NOT NULL,
        title text NOT NULL,
        created_by_id uuid REFERENCES app_user(id),
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX specialist_ce_hour_user_idx ON specialist_ce_hour (user_id, completed_on DESC);

      CREATE TABLE specialist_supervision_hour (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organization(id),
        user_id uuid NOT NULL REFERENCES app_user(id) ON DELETE CASCADE,
        supervisor_id uuid REFERENCES app_user(id),
        hours numeric(5, 2) NOT NULL CONSTRAINT specialist_supervision_hour_hours_ck CHECK (hours > 0),
        occurred_on date NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX specialist_supervision_hour_user_idx ON specialist_supervision_hour (user_id, occurred_on DESC);

      -- One open primary assignment per client: history rows close before a new one opens.
      CREATE UNIQUE INDEX client_assignment_open_uq ON client_assignment (client_id) WHERE ended_at IS NULL;
      -- Caseload counts and "no contact in N days" per specialist.
      CREATE INDEX client_specialist_contact_idx ON client (primary_specialist_id, last_contact_at)
        WHERE deleted_at IS NULL AND status <> 'closed';
      CREATE INDEX client_org_contact_idx ON client (organization_id, last_contact_at) WHERE deleted_at IS NULL;
      -- A specialist's follow-up completion rate over recent due dates (every status).
      CREATE INDEX follow_up_owner_all_due_idx ON follow_up (owner_id, due_at);
      CREATE INDEX client_needs_reassignment_idx ON client (organization_id, created_at DESC, id DESC)
        WHERE needs_reassignment AND deleted_at IS NULL;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX follow_up_owner_all_due_idx, client_needs_reassignment_idx, client_org_contact_idx, client_specialist_contact_idx,
        client_assignment_open_uq;
      DROP TABLE specialist_supervision_hour, specialist_ce_hour, specialist_profile;
    `);
  }
}
