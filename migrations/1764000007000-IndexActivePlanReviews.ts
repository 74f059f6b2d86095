import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Caseload dashboards count, per client of a caseload, whether its active recovery plan is past
 * review. A partial index of active plans that carries `review_due_at` answers each probe from the
 * index alone, so the planner no longer prefers a sequential scan of every plan.
 */
export class IndexActivePlanReviews1764000007000 implements MigrationInterface {
  name = 'IndexActivePlanReviews1764000007000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE INDEX recovery_plan_active_review_idx ON recovery_plan (client_id) INCLUDE (review_due_at)
        WHERE status = 'active';
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX recovery_plan_active_review_idx;`);
  }
}
