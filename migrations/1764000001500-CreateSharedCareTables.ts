import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tables several features read: specialists' credentials (note signing checks them), discharges
 * and their follow-up tasks (caseloads and dashboards show the next one due).
 */
export class CreateSharedCareTables1764000001500 implements MigrationInterface {
  name = 'CreateSharedCareTables1764000001500';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE specialist_certification (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organization(id),
        user_id uuid NOT NULL REFERENCES app_user(id) ON DELETE CASCADE,
        credential text NOT NULL,
        number text NOT NULL,
        issuing_state text NOT NULL,
        issued_on date NOT NULL,
        expires_on date NOT NULL,
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT specialist_certification_dates_ck CHECK (expires_on > issued_on)
      );
      CREATE INDEX specialist_certification_user_idx ON specialist_certification (user_id, expires_on DESC);

      CREATE TABLE discharge (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organization(id),
        client_id uuid NOT NULL REFERENCES client(id),
        facility text NOT NULL,
        level_of_care text NOT NULL CONSTRAINT discharge_level_of_care_ck CHECK (level_of_care IN
          ('withdrawal_management', 'inpatient', 'residential', 'emergency_department',
           'intensive_outpatient', 'outpatient')),
        admitted_at timestamptz NOT NULL,
        discharged_at timestamptz NOT NULL,
        disposition text,
        planned boolean NOT NULL,
        source text NOT NULL DEFAULT 'staff',
        created_by_id uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT discharge_once_uq UNIQUE (client_id, facility, discharged_at),
        CONSTRAINT discharge_period_ck CHECK (discharged_at >= admitted_at)
      );
      CREATE INDEX discharge_org_time_idx ON discharge (organization_id, discharged_at);

      CREATE TABLE follow_up (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organization(id),
        client_id uuid NOT NULL REFERENCES client(id),
        discharge_id uuid REFERENCES discharge(id),
        kind text NOT NULL CONSTRAINT follow_up_kind_ck CHECK (kind IN ('contact', 'assessment')),
        label text NOT NULL,
        status text NOT NULL DEFAULT 'requested' CONSTRAINT follow_up_status_ck CHECK (status IN
          ('requested', 'ready', 'in-progress', 'completed', 'cancelled', 'failed', 'on-hold')),
        due_at timestamptz NOT NULL,
        window_start timestamptz NOT NULL,
        window_end timestamptz NOT NULL,
        owner_id uuid REFERENCES app_user(id),
        completed_at timestamptz,
        session_note_id uuid,
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT follow_up_once_uq UNIQUE (discharge_id, label),
        CONSTRAINT follow_up_window_ck CHECK (window_start <= due_at AND due_at <= window_end)
      );
      CREATE INDEX follow_up_client_due_idx ON follow_up (client_id, due_at)
        WHERE status IN ('requested', 'ready', 'in-progress');
      CREATE INDEX follow_up_owner_due_idx ON follow_up (owner_id, due_at)
        WHERE status IN ('requested', 'ready', 'in-progress');
      CREATE INDEX follow_up_org_due_idx ON follow_up (organization_id, due_at);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE follow_up, discharge, specialist_certification;`);
  }
}
