import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Inbound integrations (SPEC 8 and 12): referrals an API client sends, and the messages of the
 * hospital discharge feeds (HL7 v2 ADT, FHIR notifications), one row per message control id and
 * sender, so a message sent twice is acknowledged again without a second effect.
 */
export class CreateInboundIntegrations1764000013800 implements MigrationInterface {
  name = 'CreateInboundIntegrations1764000013800';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE referral (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organization(id),
        client_id uuid NOT NULL REFERENCES client(id),
        api_client_id uuid NOT NULL REFERENCES api_client(id),
        facility text NOT NULL,
        referred_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT referral_once_uq UNIQUE (client_id, facility, referred_at)
      );
      CREATE INDEX referral_org_time_idx ON referral (organization_id, created_at DESC);

      CREATE TABLE inbound_message (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organization(id),
        api_client_id uuid NOT NULL REFERENCES api_client(id),
        format text NOT NULL CONSTRAINT inbound_message_format_ck CHECK (format IN ('hl7v2', 'fhir')),
        sender text NOT NULL,
        control_id text NOT NULL,
        event text NOT NULL,
        client_id uuid REFERENCES client(id),
        discharge_id uuid REFERENCES discharge(id),
        outcome text NOT NULL CONSTRAINT inbound_message_outcome_ck CHECK (outcome IN ('accepted', 'error', 'rejected')),
        received_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT inbound_message_once_uq UNIQUE (api_client_id, format, sender, control_id)
      );
      CREATE INDEX inbound_message_client_idx ON inbound_message (client_id) WHERE client_id IS NOT NULL;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE inbound_message, referral;`);
  }
}
