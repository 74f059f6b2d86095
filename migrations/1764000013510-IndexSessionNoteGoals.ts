import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Notes by goal (SPEC 5, issue 15): `GET /api/v1/session-notes?goalId=` finds the notes whose
 * `goal_ids` hold the goal (`goal_ids @> ARRAY[goal]`), which a GIN index answers without reading
 * the organization's notes.
 */
export class IndexSessionNoteGoals1764000013510 implements MigrationInterface {
  name = 'IndexSessionNoteGoals1764000013510';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX session_note_goal_ids_idx ON session_note USING gin (goal_ids)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX session_note_goal_ids_idx`);
  }
}
