import { createHash, randomBytes } from 'node:crypto';

import { EntityManager } from 'typeorm';

import { loadConfig } from '../../config/configuration';
import { newWebhookSecret, sealSecret } from '../../modules/webhooks/webhook-secret';
import { DEMO_IDS } from './demo-ids';
import type { DemoPeople } from './demo-people';

const ISO = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;

/**
 * A fictional EHR integration: an API client, the first demo client's Part 2 consent to it, and
 * its webhook, switched off after a failed delivery of that client's discharge. Idempotent (fixed
 * ids); the consent and the delivery need that client.
 */
export async function seedIntegrations(m: EntityManager, people: DemoPeople): Promise<void> {
  // No one knows its secret: the demo publishes no API credential (security review, issue 11).
  const secretHash = createHash('sha256').update(randomBytes(32)).digest();
  await m.query(
    `INSERT INTO api_client (id, organization_id, name, client_id, secret_hash, scopes, purpose)
     VALUES ($1, $2, 'Demo Valley EHR (fictional)', 'rb_demo_valley_ehr', $3, $4, 'treatment')
     ON CONFLICT DO NOTHING`,
    [DEMO_IDS.apiClient, people.organizationId, secretHash, ['system/*.read', 'discharges:write']],
  );
  await m.query(
    `INSERT INTO consent (id, organization_id, client_id, recipient_id, purposes, categories, effective_at,
       expires_at, signed_at, signature_method, created_by_id)
     SELECT $1, c.organization_id, c.id, a.id, '{treatment}', '{demographics,plans-goals,follow-ups}',
       now() - interval '30 days', now() + interval '335 days', now() - interval '30 days', 'written',
       c.primary_specialist_id
     FROM client c JOIN api_client a ON a.id = $3 AND a.organization_id = c.organization_id
     WHERE c.id = $2 AND c.organization_id = $4
     ON CONFLICT (id) DO NOTHING`,
    [DEMO_IDS.consent, DEMO_IDS.client, DEMO_IDS.apiClient, people.organizationId],
  );
  await seedWebhook(m, people);
}

// Inactive, so the demo never sends anything to its (reserved, example.org) address.
async function seedWebhook(m: EntityManager, people: DemoPeople): Promise<void> {
  const sealed = sealSecret(loadConfig().auth.jwtKey, DEMO_IDS.webhook, newWebhookSecret());
  const [webhook] = await m.query(
    `INSERT INTO webhook (id, organization_id, url, events, api_client_id, secret_sealed, active)
     SELECT $1, a.organization_id, 'https://ehr.example.org/hooks/recovery-bridge',
       '{client.discharged,follow-up.overdue}', a.id, $3, false
     FROM api_client a WHERE a.id = $2 AND a.organization_id = $4
     ON CONFLICT (id) DO NOTHING RETURNING id`,
    [DEMO_IDS.webhook, DEMO_IDS.apiClient, sealed, people.organizationId],
  );
  if (!webhook) return;
  // Its delivery of the demo discharge: one attempt answered 503, then cancelled when the
  // endpoint was switched off, as the delivery worker records it.
  await m.query(
    `WITH d AS (
       SELECT * FROM discharge WHERE client_id = $3 AND organization_id = $4
       ORDER BY discharged_at DESC LIMIT 1),
     delivery AS (
       INSERT INTO webhook_delivery (id, organization_id, webhook_id, event_type, client_id, resource_type,
         resource_id, payload, status, status_reason, attempts, next_attempt_at, created_at)
       SELECT $1, d.organization_id, $2, 'client.discharged', d.client_id, 'Discharge', d.id,
         jsonb_build_object('type', 'client.discharged',
           'timestamp', to_char(d.created_at AT TIME ZONE 'UTC', ${ISO}),
           'data', jsonb_build_object('clientId', d.client_id, 'dischargeId', d.id,
             'levelOfCare', d.level_of_care, 'dischargedAt', to_char(d.discharged_at AT TIME ZONE 'UTC', ${ISO}),
             'planned', d.planned, 'source', d.source)),
         'cancelled', 'webhook inactive', 1, d.created_at, d.created_at
       FROM d
       ON CONFLICT (id) DO NOTHING RETURNING id, created_at)
     INSERT INTO webhook_attempt (delivery_id, attempted_at, status_code, duration_ms, error)
     SELECT id, created_at + interval '2 seconds', 503, 140, 'status 503' FROM delivery`,
    [DEMO_IDS.webhookDelivery, webhook.id, DEMO_IDS.client, people.organizationId],
  );
}
