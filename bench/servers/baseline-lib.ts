import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

import { Pool, PoolClient } from 'pg';

import { loadConfig } from '../../src/config/configuration';

/**
 * The raw baseline: node:http + pg, no framework, no validation library, no ORM, running the same
 * SQL as the service for each measured route. The caller is read from the bearer token's claims
 * without verifying it (the service's auth cost is part of what the ratio measures).
 */
export interface Caller {
  id: string;
  organizationId: string;
  role: string;
}

export interface BaselineContext {
  pool: Pool;
  caller(req: IncomingMessage): Caller;
  tx<T>(fn: (c: PoolClient) => Promise<T>): Promise<T>;
}

export type Handler = (
  ctx: BaselineContext,
  req: IncomingMessage,
  params: string[],
  body: unknown,
) => Promise<[number, unknown]>;

export interface Route {
  method: string;
  pattern: RegExp;
  handler: Handler;
}

export const pool = new Pool({
  connectionString: loadConfig().db.appUrl, // the service's login role
  max: Number(process.env.DATABASE_POOL_SIZE ?? 10),
});

export const ctx: BaselineContext = {
  pool,
  caller(req) {
    const token = (req.headers.authorization ?? '').slice('Bearer '.length);
    const c = JSON.parse(
      Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'),
    ) as Record<string, string>;
    return { id: c.sub, organizationId: c.org, role: c.role };
  },
  async tx(fn) {
    const c = await pool.connect();
    try {
      await c.query('BEGIN');
      const result = await fn(c);
      await c.query('COMMIT');
      return result;
    } catch (err) {
      await c.query('ROLLBACK');
      throw err;
    } finally {
      c.release();
    }
  },
};

const AUDIT = `INSERT INTO audit_event (organization_id, actor_id, actor_type, actor_role, action,
  client_id, resource_type, resource_id, outcome, correlation_id)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`;

const AUDIT_READS = `INSERT INTO audit_event (organization_id, actor_id, actor_type, actor_role, action,
  client_id, resource_type, resource_id, outcome, correlation_id)
  SELECT $1, $2, $3, $4, $5, client_id, $7, $8, 'success', $9 FROM unnest($6::uuid[]) AS client_id`;

/** A list read: one event per client shown, in one statement (AuditService.recordReads). */
export function auditReads(
  c: PoolClient | Pool,
  who: Caller,
  action: string,
  clientIds: string[],
  type: string,
  id: string | null,
): Promise<unknown> {
  if (clientIds.length === 0) return audit(c, who, action, null, type, id);
  return c.query(AUDIT_READS, [
    who.organizationId,
    who.id,
    'user',
    who.role,
    action,
    clientIds,
    type,
    id,
    randomUUID(),
  ]);
}

export function audit(
  c: PoolClient | Pool,
  who: Caller,
  action: string,
  clientId: string | null,
  type: string,
  id: string | null,
): Promise<unknown> {
  return c.query(AUDIT, [
    who.organizationId,
    who.id,
    'user',
    who.role,
    action,
    clientId,
    type,
    id,
    'success',
    randomUUID(),
  ]);
}
