import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Idempotency keys keep no readable copy of a request or its response (security review, issue 11):
 * the fingerprint becomes an HMAC under a server key (computed by the API, same column), the
 * response is stored sealed (AES-256-GCM under a server key) instead of as JSON, and the clients
 * and record the write touched are kept (ids only) for a replay to re-check the caller's scope and
 * to name in its audit event. Responses stored before this migration are dropped, with their plain
 * text: their keys still block a second run (their old fingerprints no longer match, so a retry
 * answers 422 until the purge removes them within 24 hours).
 */
export class IdempotencySealedResponses1764000012500 implements MigrationInterface {
  name = 'IdempotencySealedResponses1764000012500';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE idempotency_key
        DROP COLUMN response_body,
        ADD COLUMN response_sealed bytea,
        ADD COLUMN client_ids uuid[] NOT NULL DEFAULT '{}',
        ADD COLUMN resource_type text,
        ADD COLUMN resource_id text;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE idempotency_key
        DROP COLUMN resource_id,
        DROP COLUMN resource_type,
        DROP COLUMN client_ids,
        DROP COLUMN response_sealed,
        ADD COLUMN response_body jsonb;
    `);
  }
}
