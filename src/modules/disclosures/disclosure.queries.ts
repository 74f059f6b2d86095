/**
 * The accounting rows and the audit events of one disclosing act, in ONE statement (so in one
 * transaction, whatever the caller's): one disclosure row and one audit event per client, however
 * many. $1 organization, $2 recipient, $3 correlation id, $4 the rows as JSON, $5-$7 the audited
 * actor (id, type, role), $8 action, $9 resource type, $10 resource id.
 */
export const RECORD_DISCLOSURES = `WITH d AS (
    INSERT INTO disclosure (organization_id, recipient_id, client_id, consent_id, purpose, resources, correlation_id)
    SELECT $1, $2, x.client_id, x.consent_id, x.purpose, x.resources, $3
    FROM jsonb_to_recordset($4::jsonb) AS x(client_id uuid, consent_id uuid, purpose text, resources jsonb)
    RETURNING client_id)
  INSERT INTO audit_event (organization_id, actor_id, actor_type, actor_role, action, client_id,
    resource_type, resource_id, outcome, correlation_id)
  SELECT $1, $5, $6, $7, $8, d.client_id, $9, $10, 'success', $3 FROM d`;
