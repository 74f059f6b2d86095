import { MigrationInterface, QueryRunner } from 'typeorm';

/** Recovery plans (FHIR CarePlan), their goals (FHIR Goal) and BARC-10 assessments. */
export class CreatePlansGoalsAssessments1764000003000 implements MigrationInterface {
  name = 'CreatePlansGoalsAssessments1764000003000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE recovery_plan (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organization(id),
        client_id uuid NOT NULL REFERENCES client(id),
        title text NOT NULL,
        status text NOT NULL DEFAULT 'draft' CONSTRAINT recovery_plan_status_ck
          CHECK (status IN ('draft', 'active', 'on-hold', 'completed', 'revoked')),
        start_date date NOT NULL,
        end_date date,
        review_due_at date NOT NULL,
        strengths jsonb NOT NULL DEFAULT '[]',
        barriers jsonb NOT NULL DEFAULT '[]',
        agreed_on date,
        agreement_method text CONSTRAINT recovery_plan_agreement_method_ck
          CHECK (agreement_method IN ('verbal', 'signed', 'electronic')),
        created_by_id uuid REFERENCES app_user(id),
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT recovery_plan_client_uq UNIQUE (id, client_id),
        CONSTRAINT recovery_plan_period_ck CHECK (end_date IS NULL OR end_date >= start_date),
        CONSTRAINT recovery_plan_agreement_ck CHECK ((agreed_on IS NULL) = (agreement_method IS NULL))
      );
      -- At most one active plan per client (SPEC section 5).
      CREATE UNIQUE INDEX recovery_plan_one_active_uq ON recovery_plan (client_id) WHERE status = 'active';
      CREATE INDEX recovery_plan_client_created_idx ON recovery_plan (client_id, created_at DESC, id DESC);
      CREATE INDEX recovery_plan_review_due_idx ON recovery_plan (organization_id, review_due_at)
        WHERE status = 'active';

      CREATE TABLE goal (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organization(id),
        client_id uuid NOT NULL REFERENCES client(id),
        plan_id uuid NOT NULL,
        description text NOT NULL,
        domain text NOT NULL CONSTRAINT goal_domain_ck CHECK (domain IN ('health', 'home', 'purpose', 'community')),
        target_date date,
        action_steps jsonb NOT NULL DEFAULT '[]',
        lifecycle_status text NOT NULL DEFAULT 'proposed' CONSTRAINT goal_lifecycle_status_ck CHECK (lifecycle_status IN
          ('proposed', 'planned', 'accepted', 'active', 'on-hold', 'completed', 'cancelled', 'rejected',
           'entered-in-error')),
        achievement_status text CONSTRAINT goal_achievement_status_ck CHECK (achievement_status IN
          ('in-progress', 'improving', 'worsening', 'no-change', 'achieved', 'sustaining', 'not-achieved',
           'no-progress', 'not-attainable')),
        created_by_id uuid REFERENCES app_user(id),
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        -- A goal belongs to its plan's client: the pair is checked, never just the plan id.
        CONSTRAINT goal_plan_fk FOREIGN KEY (plan_id, client_id) REFERENCES recovery_plan (id, client_id)
      );
      CREATE INDEX goal_plan_created_idx ON goal (plan_id, created_at DESC, id DESC);
      CREATE INDEX goal_client_idx ON goal (client_id);

      CREATE TABLE assessment (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organization(id),
        client_id uuid NOT NULL REFERENCES client(id),
        instrument text NOT NULL CONSTRAINT assessment_instrument_ck CHECK (instrument IN ('BARC-10')),
        answers smallint[] NOT NULL CONSTRAINT assessment_answers_ck
          CHECK (cardinality(answers) = 10 AND 1 <= ALL (answers) AND 6 >= ALL (answers)),
        total smallint NOT NULL CONSTRAINT assessment_total_ck CHECK (total BETWEEN 10 AND 60),
        administered_at timestamptz(3) NOT NULL DEFAULT now(),
        administered_by_id uuid REFERENCES app_user(id),
        created_at timestamptz(3) NOT NULL DEFAULT now()
      );
      CREATE INDEX assessment_client_time_idx ON assessment (client_id, administered_at DESC, id DESC);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE assessment, goal, recovery_plan;`);
  }
}
