import { MigrationInterface, QueryRunner } from 'typeorm';

const LEVELS_OF_CARE = `('withdrawal_management', 'inpatient', 'residential', 'emergency_department',
  'intensive_outpatient', 'outpatient')`;

/**
 * The discharge bridge's own tables: per-organization cadences, contact attempts, readmissions,
 * and the bookkeeping of each follow-up's scheduled jobs (what the reconciler restores when Redis
 * loses them).
 */
export class CreateFollowUpScheduling1764000005000 implements MigrationInterface {
  name = 'CreateFollowUpScheduling1764000005000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE follow_up_cadence (
        organization_id uuid NOT NULL REFERENCES organization(id),
        level_of_care text NOT NULL CONSTRAINT follow_up_cadence_level_ck CHECK (level_of_care IN ${LEVELS_OF_CARE}),
        steps jsonb NOT NULL,
        version integer NOT NULL DEFAULT 1,
        updated_by_id uuid REFERENCES app_user(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT follow_up_cadence_pk PRIMARY KEY (organization_id, level_of_care)
      );

      ALTER TABLE follow_up
        ADD COLUMN outcome text CONSTRAINT follow_up_outcome_ck CHECK (outcome IN ('reached', 'declined', 'unreachable')),
        ADD COLUMN status_reason text,
        ADD COLUMN started_at timestamptz,
        ADD COLUMN unreachable_attempts integer NOT NULL DEFAULT 0,
        ADD CONSTRAINT follow_up_session_note_fk FOREIGN KEY (session_note_id) REFERENCES session_note(id);

      CREATE TABLE follow_up_attempt (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organization(id),
        follow_up_id uuid NOT NULL REFERENCES follow_up(id) ON DELETE CASCADE,
        client_id uuid NOT NULL REFERENCES client(id),
        method text NOT NULL CONSTRAINT follow_up_attempt_method_ck
          CHECK (method IN ('phone', 'text', 'email', 'in_person', 'video')),
        outcome text NOT NULL CONSTRAINT follow_up_attempt_outcome_ck
          CHECK (outcome IN ('reached', 'left_message', 'unable_to_reach')),
        note text,
        author_id uuid REFERENCES app_user(id),
        attempted_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX follow_up_attempt_follow_up_idx ON follow_up_attempt (follow_up_id, attempted_at);

      CREATE TABLE follow_up_job (
        job_id text PRIMARY KEY,
        organization_id uuid NOT NULL REFERENCES organization(id),
        follow_up_id uuid NOT NULL REFERENCES follow_up(id) ON DELETE CASCADE,
        job_name text NOT NULL,
        payload jsonb NOT NULL,
        run_at timestamptz NOT NULL,
        done_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX follow_up_job_pending_idx ON follow_up_job (run_at) WHERE done_at IS NULL;
      CREATE INDEX follow_up_job_follow_up_idx ON follow_up_job (follow_up_id);

      CREATE TABLE readmission (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organization(id),
        client_id uuid NOT NULL REFERENCES client(id),
        facility text NOT NULL,
        level_of_care text NOT NULL CONSTRAINT readmission_level_of_care_ck CHECK (level_of_care IN ${LEVELS_OF_CARE}),
        admitted_at timestamptz NOT NULL,
        created_by_id uuid REFERENCES app_user(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT readmission_once_uq UNIQUE (client_id, facility, admitted_at)
      );
      CREATE INDEX discharge_client_time_idx ON discharge (client_id, discharged_at DESC);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX discharge_client_time_idx;
      DROP TABLE readmission, follow_up_job, follow_up_attempt, follow_up_cadence;
      ALTER TABLE follow_up
        DROP CONSTRAINT follow_up_session_note_fk,
        DROP COLUMN unreachable_attempts,
        DROP COLUMN started_at,
        DROP COLUMN status_reason,
        DROP COLUMN outcome;
    `);
  }
}
