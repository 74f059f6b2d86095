import { DataSource } from 'typeorm';

/** Which audit events to count: every given field must match (an absent field matches all). */
export interface AuditFilter {
  action?: string;
  actorId?: string;
  clientId?: string;
  resourceId?: string;
  outcome?: 'success' | 'denied' | 'failure';
  organizationId?: string;
}

const COLUMNS: Record<keyof AuditFilter, string> = {
  action: 'action',
  actorId: 'actor_id',
  clientId: 'client_id',
  resourceId: 'resource_id',
  outcome: 'outcome',
  organizationId: 'organization_id',
};

/** How many audit events match the filter (`clientId`: events that name the client). */
export async function countAuditEvents(ds: DataSource, filter: AuditFilter): Promise<number> {
  const fields = (Object.keys(COLUMNS) as (keyof AuditFilter)[]).filter(
    (key) => filter[key] !== undefined,
  );
  if (fields.length === 0) throw new Error('countAuditEvents needs at least one filter field');
  // A client is named by a single-record event (client_id) or by a list read (client_ids).
  const where = fields
    .map((key, i) =>
      key === 'clientId'
        ? `(client_id = $${i + 1} OR client_ids @> ARRAY[$${i + 1}]::uuid[])`
        : `${COLUMNS[key]} = $${i + 1}`,
    )
    .join(' AND ');
  const [row] = await ds.query(`SELECT count(*)::int AS n FROM audit_event WHERE ${where}`, [
    ...fields.map((key) => filter[key]),
  ]);
  return row.n as number;
}
