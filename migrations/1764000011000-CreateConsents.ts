import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * 42 CFR Part 2 consents (SPEC 8): who may receive what of a client's records, for which purposes,
 * from when until when. Revocation is a timestamp, never a delete: the history is the record.
 */
export class CreateConsents1764000011000 implements MigrationInterface {
  name = 'CreateConsents1764000011000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE consent (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organization(id),
        client_id uuid NOT NULL REFERENCES client(id),
        recipient_id uuid NOT NULL REFERENCES api_client(id),
        purposes text[] NOT NULL CONSTRAINT consent_purposes_ck CHECK (cardinality(purposes) > 0
          AND purposes <@ ARRAY['treatment', 'payment', 'operations', 'research']),
        categories text[] NOT NULL CONSTRAINT consent_categories_ck CHECK (cardinality(categories) > 0
          AND categories <@ ARRAY['demographics', 'plans-goals', 'follow-ups', 'assessments', 'session-notes']),
        effective_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        signed_at timestamptz NOT NULL,
        signature_method text NOT NULL CONSTRAINT consent_signature_ck
          CHECK (signature_method IN ('written', 'electronic')),
        revoked_at timestamptz,
        revoked_by_id uuid REFERENCES app_user(id),
        created_by_id uuid REFERENCES app_user(id),
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT consent_period_ck CHECK (expires_at > effective_at)
      );
      CREATE INDEX consent_client_idx ON consent (client_id, created_at DESC, id DESC);
      CREATE INDEX consent_expiry_idx ON consent (expires_at) WHERE revoked_at IS NULL;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE consent;`);
  }
}
