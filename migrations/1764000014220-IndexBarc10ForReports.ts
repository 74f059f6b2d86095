import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The recovery-capital report (issue 16) reads an organization's BARC-10s of a period in the
 * order of its window (per client, by administration time then id) and only their totals: one
 * partial index it reads without touching the table (index-only) and without sorting.
 */
export class IndexBarc10ForReports1764000014220 implements MigrationInterface {
  name = 'IndexBarc10ForReports1764000014220';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE INDEX assessment_barc10_report_idx ON assessment (organization_id, client_id, administered_at, id)
        INCLUDE (total) WHERE instrument = 'BARC-10';
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX assessment_barc10_report_idx`);
  }
}
