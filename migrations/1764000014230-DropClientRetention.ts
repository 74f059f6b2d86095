import { MigrationInterface, QueryRunner } from 'typeorm';

import { CreateClientRetention1764000014200 } from './1764000014200-CreateClientRetention';

/**
 * The retention report (issue 16) reads `client_session_days` (migration 1764000014210) instead
 * of `client_retention`: a client's first session day is the first of their sorted days, and
 * "active at day N" is two binary searches in them. `client_retention`'s trigger re-read all of a
 * client's sessions and took an advisory lock per client on every session write (about 0.1 to
 * 0.7 ms a signed note, growing with the client's history; and a statement writing the sessions
 * of thousands of clients ran out of the shared lock table): the notes now keep one table, with
 * one upsert by primary key.
 */
export class DropClientRetention1764000014230 implements MigrationInterface {
  name = 'DropClientRetention1764000014230';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TRIGGER session_note_retention_trg ON session_note;
      DROP FUNCTION client_retention_trg();
      DROP FUNCTION client_retention_refresh(uuid);
      DROP TABLE client_retention;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    // As migration 1764000014200 made it (table, trigger and backfill).
    await new CreateClientRetention1764000014200().up(q);
  }
}
