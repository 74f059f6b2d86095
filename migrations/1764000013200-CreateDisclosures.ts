import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * 42 CFR Part 2 disclosure accounting (SPEC 8): one row per client per disclosure to an API
 * client, with what was disclosed, for which purpose, under which consent, and when. Kept three
 * years (a purge job), never updated.
 *
 * `api_client.purpose` (the purpose an API client was registered for) belongs to the SMART
 * registration work (migration 17640000131xx); it is added here only if that migration has not
 * run, with the same definition, so either order leaves one column.
 */
export class CreateDisclosures1764000013200 implements MigrationInterface {
  name = 'CreateDisclosures1764000013200';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE api_client ADD COLUMN IF NOT EXISTS purpose text NOT NULL DEFAULT 'treatment';

      -- What an API client may see starts from the consents naming it (FHIR searches).
      CREATE INDEX consent_recipient_idx ON consent (recipient_id, client_id) WHERE revoked_at IS NULL;

      CREATE TABLE disclosure (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organization(id),
        recipient_id uuid NOT NULL REFERENCES api_client(id),
        client_id uuid NOT NULL REFERENCES client(id),
        consent_id uuid NOT NULL REFERENCES consent(id),
        purpose text NOT NULL CONSTRAINT disclosure_purpose_ck
          CHECK (purpose IN ('treatment', 'payment', 'operations', 'research')),
        resources jsonb NOT NULL CONSTRAINT disclosure_resources_ck
          CHECK (jsonb_typeof(resources) = 'array' AND jsonb_array_length(resources) > 0),
        disclosed_at timestamptz NOT NULL DEFAULT now(),
        correlation_id text
      );
      CREATE INDEX disclosure_client_idx ON disclosure (client_id, disclosed_at DESC, id DESC);
      CREATE INDEX disclosure_purge_idx ON disclosure (disclosed_at);
      -- The accounting is a record: the application inserts, reads and purges, never rewrites.
      REVOKE UPDATE, TRUNCATE ON disclosure FROM recovery_bridge_app;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    // The purpose column stays: it may belong to the SMART registration migration.
    await q.query(`DROP TABLE disclosure; DROP INDEX consent_recipient_idx;`);
  }
}
