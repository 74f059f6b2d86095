import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The day-30 BARC-10 follow-up is completed by the assessment that fulfils it (SPEC 7, issue 15):
 * a follow-up of kind `assessment` links the BARC-10 that completed it. Only assessment tasks
 * carry one.
 */
export class LinkFollowUpAssessment1764000013520 implements MigrationInterface {
  name = 'LinkFollowUpAssessment1764000013520';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE follow_up
        ADD COLUMN assessment_id uuid CONSTRAINT follow_up_assessment_fk REFERENCES assessment(id),
        ADD CONSTRAINT follow_up_assessment_kind_ck CHECK (assessment_id IS NULL OR kind = 'assessment');
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE follow_up
        DROP CONSTRAINT follow_up_assessment_kind_ck,
        DROP COLUMN assessment_id;
    `);
  }
}
