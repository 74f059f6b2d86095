import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Outbound webhooks (SPEC 8): the endpoints admins register (the secret sealed, never stored in
 * clear), one delivery per endpoint and event (written in the transaction of the change, beside
 * its outbox row), and every attempt (status code, duration) for the delivery log.
 */
export class CreateWebhooks1764000013810 implements MigrationInterface {
  name = 'CreateWebhooks1764000013810';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE webhook (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organization(id),
        url text NOT NULL,
        events text[] NOT NULL CONSTRAINT webhook_events_ck CHECK (cardinality(events) > 0),
        api_client_id uuid REFERENCES api_client(id),
        secret_sealed bytea NOT NULL,
        active boolean NOT NULL DEFAULT true,
        failing_since timestamptz,
        disabled_at timestamptz,
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX webhook_org_idx ON webhook (organization_id, created_at DESC, id DESC);
      CREATE INDEX webhook_events_idx ON webhook USING gin (events) WHERE active;

      CREATE TABLE webhook_delivery (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organization(id),
        webhook_id uuid NOT NULL REFERENCES webhook(id) ON DELETE CASCADE,
        event_type text NOT NULL,
        client_id uuid REFERENCES client(id),
        resource_type text,
        resource_id uuid,
        payload jsonb NOT NULL,
        status text NOT NULL DEFAULT 'pending' CONSTRAINT webhook_delivery_status_ck
          CHECK (status IN ('pending', 'delivered', 'failed', 'cancelled')),
        status_reason text,
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        created_at timestamptz NOT NULL DEFAULT now(),
        delivered_at timestamptz
      );
      CREATE INDEX webhook_delivery_webhook_idx ON webhook_delivery (webhook_id, created_at DESC, id DESC);
      CREATE INDEX webhook_delivery_pending_idx ON webhook_delivery (webhook_id) WHERE status = 'pending';

      CREATE TABLE webhook_attempt (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        delivery_id uuid NOT NULL REFERENCES webhook_delivery(id) ON DELETE CASCADE,
        attempted_at timestamptz NOT NULL DEFAULT now(),
        status_code integer,
        duration_ms integer NOT NULL,
        error text
      );
      CREATE INDEX webhook_attempt_delivery_idx ON webhook_attempt (delivery_id, attempted_at);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE webhook_attempt, webhook_delivery, webhook;`);
  }
}
