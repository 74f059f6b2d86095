import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Relapse-prevention plans (SPEC 10a): one per client, every change a new immutable version row.
 * The plan row holds the current version number (the ETag) and the last review with the client,
 * so the note pointer and the supervisor's dashboard read one small row per client.
 */
export class CreateRelapsePreventionPlans1764000013700 implements MigrationInterface {
  name = 'CreateRelapsePreventionPlans1764000013700';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE relapse_prevention_plan (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organization(id),
        client_id uuid NOT NULL REFERENCES client(id),
        version integer NOT NULL DEFAULT 1 CONSTRAINT relapse_prevention_plan_version_ck CHECK (version > 0),
        last_reviewed_on date,
        last_reviewed_by_id uuid REFERENCES app_user(id),
        created_by_id uuid NOT NULL REFERENCES app_user(id),
        updated_by_id uuid NOT NULL REFERENCES app_user(id),
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT relapse_prevention_plan_client_uq UNIQUE (client_id)
      );
      CREATE TABLE relapse_prevention_plan_version (
        plan_id uuid NOT NULL REFERENCES relapse_prevention_plan(id),
        version integer NOT NULL,
        content jsonb NOT NULL,
        author_id uuid NOT NULL REFERENCES app_user(id),
        reviewed_on date,
        reviewed_by_id uuid REFERENCES app_user(id),
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT relapse_prevention_plan_version_pk PRIMARY KEY (plan_id, version),
        CONSTRAINT relapse_prevention_plan_version_review_ck
          CHECK ((reviewed_on IS NULL) = (reviewed_by_id IS NULL))
      );
      -- Versions are history: the application role may add them, never change or remove them.
      REVOKE UPDATE, DELETE, TRUNCATE ON relapse_prevention_plan_version FROM recovery_bridge_app;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `DROP TABLE relapse_prevention_plan_version; DROP TABLE relapse_prevention_plan;`,
    );
  }
}
