import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An idempotency key is marked `committed` in the same transaction as the write it guards, so a
 * request that died between its commit and storing its response is never run a second time.
 */
export class IdempotencyCommitted1764000010000 implements MigrationInterface {
  name = 'IdempotencyCommitted1764000010000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE idempotency_key DROP CONSTRAINT idempotency_key_state_ck,
        ADD CONSTRAINT idempotency_key_state_ck CHECK (state IN ('in_flight', 'committed', 'done'));
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DELETE FROM idempotency_key WHERE state = 'committed';
      ALTER TABLE idempotency_key DROP CONSTRAINT idempotency_key_state_ck,
        ADD CONSTRAINT idempotency_key_state_ck CHECK (state IN ('in_flight', 'done'));
    `);
  }
}
