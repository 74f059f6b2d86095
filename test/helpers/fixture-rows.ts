import { DataSource } from 'typeorm';

/** `table key` -> hash of the row: what the organizations' rows looked like at one moment. */
export type RowSnapshot = Map<string, string>;

// Appended by design on every call (reads and denials are audited; a FHIR read that discloses
// writes its Part 2 accounting row): not part of the comparison.
const EXCLUDED = new Set(['audit_event', 'disclosure', 'schema_migration']);

/** How to find the organizations' rows in tables without an organization_id column ($1: org ids). */
const INDIRECT: Record<string, string> = {
  organization: `id = ANY($1)`,
  client_assignment: `client_id IN (SELECT id FROM client WHERE organization_id = ANY($1))`,
  client_coverage: `client_id IN (SELECT id FROM client WHERE organization_id = ANY($1))`,
  client_session_days: `client_id IN (SELECT id FROM client WHERE organization_id = ANY($1))`,
  team_member: `team_id IN (SELECT id FROM team WHERE organization_id = ANY($1))`,
  auth_session: `user_id IN (SELECT id FROM app_user WHERE organization_id = ANY($1))`,
  refresh_token: `session_id IN (SELECT s.id FROM auth_session s JOIN app_user u ON u.id = s.user_id
    WHERE u.organization_id = ANY($1))`,
  idempotency_key: `principal_id IN (SELECT id FROM app_user WHERE organization_id = ANY($1)
    UNION SELECT id FROM api_client WHERE organization_id = ANY($1))`,
  relapse_prevention_plan_version: `plan_id IN (SELECT id FROM relapse_prevention_plan
    WHERE organization_id = ANY($1))`,
  webhook_attempt: `delivery_id IN (SELECT id FROM webhook_delivery WHERE organization_id = ANY($1))`,
  outbox: `EXISTS (SELECT 1 FROM unnest($1::uuid[]) o WHERE t.payload::text LIKE '%' || o::text || '%')`,
};

// The relay marks outbox rows dispatched on its own schedule: compare what was enqueued only.
const ROW_TEXT: Record<string, string> = {
  outbox: `row(t.id, t.queue, t.job_name, t.job_id, t.payload)::text`,
};

/**
 * Every row of every table that belongs to the given organizations (the audit trail aside),
 * hashed: compare two snapshots to prove that a batch of refused requests changed nothing.
 * Scoped to the organizations, so other test files writing to the same database do not count.
 */
export async function fixtureRows(ds: DataSource, orgIds: string[]): Promise<RowSnapshot> {
  const columns: { table_name: string; cols: string[] }[] = await ds.query(
    `SELECT table_name, array_agg(column_name::text) AS cols FROM information_schema.columns
     WHERE table_schema = 'public'
       -- a partition's rows are its parent's (audit_event's months): the parent stands for them
       AND table_name NOT IN (SELECT c.relname::text FROM pg_inherits i
         JOIN pg_class c ON c.oid = i.inhrelid)
     GROUP BY table_name ORDER BY table_name`,
  );
  const snapshot: RowSnapshot = new Map();
  for (const { table_name: table, cols } of columns) {
    if (EXCLUDED.has(table)) continue;
    const where = cols.includes('organization_id')
      ? `t.organization_id = ANY($1)`
      : INDIRECT[table];
    if (!where) throw new Error(`fixtureRows: no way to scope table ${table} to an organization`);
    const key = cols.includes('id') ? 't.id::text' : `md5(t::text)`;
    const rows: { key: string; hash: string }[] = await ds.query(
      `SELECT ${key} AS key, md5(${ROW_TEXT[table] ?? 't::text'}) AS hash FROM "${table}" t WHERE ${where}`,
      [orgIds],
    );
    for (const r of rows) snapshot.set(`${table} ${r.key}`, r.hash);
  }
  return snapshot;
}
