import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * SMART Backend Services (SPEC 8): an API client authenticates with a client secret or with a
 * client assertion signed by a key of its registered JWK Set (inline `jwks` or a `jwks_url`); a
 * client registered with keys only has no secret. Each API client discloses for one purpose
 * (`treatment` by default), which consents must cover.
 * Consents (SPEC 12): a version (ETag, If-Match) and the reason given when revoked.
 */
export class AddApiClientKeysAndConsentVersion1764000013100 implements MigrationInterface {
  name = 'AddApiClientKeysAndConsentVersion1764000013100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE api_client
        ALTER COLUMN secret_hash DROP NOT NULL,
        ADD COLUMN purpose text NOT NULL DEFAULT 'treatment' CONSTRAINT api_client_purpose_ck
          CHECK (purpose IN ('treatment', 'payment', 'operations', 'research')),
        ADD COLUMN jwks jsonb,
        ADD COLUMN jwks_url text,
        ADD CONSTRAINT api_client_credential_ck
          CHECK (secret_hash IS NOT NULL OR jwks IS NOT NULL OR jwks_url IS NOT NULL),
        ADD CONSTRAINT api_client_one_key_source_ck CHECK (jwks IS NULL OR jwks_url IS NULL);

      ALTER TABLE consent
        ADD COLUMN version integer NOT NULL DEFAULT 1,
        ADD COLUMN revocation_reason text,
        ADD CONSTRAINT consent_revocation_reason_ck
          CHECK (revocation_reason IS NULL OR revoked_at IS NOT NULL);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE consent
        DROP CONSTRAINT consent_revocation_reason_ck,
        DROP COLUMN revocation_reason,
        DROP COLUMN version;

      ALTER TABLE api_client
        DROP CONSTRAINT api_client_one_key_source_ck,
        DROP CONSTRAINT api_client_credential_ck,
        DROP COLUMN jwks_url,
        DROP COLUMN jwks,
        DROP COLUMN purpose;
      -- A keys-only client gets the hash of a random secret nobody knows: it can no longer sign in.
      UPDATE api_client SET secret_hash = sha256(gen_random_uuid()::text::bytea)
        WHERE secret_hash IS NULL;
      ALTER TABLE api_client ALTER COLUMN secret_hash SET NOT NULL;
    `);
  }
}
