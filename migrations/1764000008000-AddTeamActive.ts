import { MigrationInterface, QueryRunner } from 'typeorm';

/** Teams can be deactivated (admin): kept for history, taking no members or supervisors. */
export class AddTeamActive1764000008000 implements MigrationInterface {
  name = 'AddTeamActive1764000008000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE team ADD COLUMN active boolean NOT NULL DEFAULT true;`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE team DROP COLUMN active;`);
  }
}
