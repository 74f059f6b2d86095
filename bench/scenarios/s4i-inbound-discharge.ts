import { createHash, randomBytes } from 'node:crypto';

import { measure, ScenarioResult } from '../lib/compare';
import { BenchRequest, request } from '../lib/load';
import { round } from '../lib/stats';
import { ORG_ID, tableExists, withDb } from '../lib/seed';
import { BenchContext, bearer, Scenario } from './context';
import { s4Discharge } from './s4-discharge';

const runStart = Date.now();
const SYSTEM = 'urn:bench:mrn';

/**
 * S4i: the inbound JSON discharge (`POST /api/v1/integrations/discharges`, an API client token)
 * for clients matched by identifier, beside the staff route of S4 on the same service: the issue's
 * budget is at most one SQL statement more per discharge. Both run on the service (the baseline has
 * no inbound route); the statements per request are counted in the service process.
 */
export const s4iInboundDischarge: Scenario = {
  name: 'S4i inbound discharge vs staff route (SQL statements)',
  target: '<= staff route + 1 statement per discharge',
  async unavailable() {
    return withDb(async (db) =>
      (await tableExists(db, 'inbound_message')) ? undefined : 'inbound tables missing',
    );
  },
  async run(ctx: BenchContext): Promise<ScenarioResult> {
    const token = await apiClientToken(ctx);
    const people = await identify(ctx);
    const inbound = (conn: number, seq: number): BenchRequest => {
      const p = people[(conn * 7919 + seq) % people.length];
      const dischargedAt = new Date(runStart - 3 * 3600_000 + seq);
      return {
        method: 'POST',
        path: '/api/v1/integrations/discharges',
        headers: bearer(token),
        body: {
          client: { identifiers: [{ system: SYSTEM, value: p.id }], ...p.person },
          facility: `Bench Inbound ${conn}`,
          levelOfCare: 'withdrawal_management',
          admittedAt: new Date(dischargedAt.getTime() - 5 * 86_400_000).toISOString(),
          dischargedAt: dischargedAt.toISOString(),
          planned: true,
        },
      };
    };
    const opts = { ...ctx.opts, seconds: Math.min(ctx.opts.seconds, 5), warmupSeconds: 1 };
    try {
      const staff = await measure(ctx.service, opts, opts.connections, s4Discharge.request!(ctx));
      const mine = await measure(ctx.service, opts, opts.connections, inbound);
      const perRequest = (r: typeof staff) =>
        round(r.stats.sql.total / Math.max(1, r.load.requests - r.load.errors), 2);
      const staffSql = perRequest(staff);
      const inboundSql = perRequest(mine);
      const rps = round(((mine.load.requests - mine.load.errors) * 1000) / mine.load.elapsedMs, 0);
      console.log(
        `    staff ${staffSql} statements/discharge, inbound ${inboundSql}; inbound ${rps} req/s`,
      );
      return {
        scenario: this.name,
        ratio: null,
        target: this.target,
        p50Ms: null,
        p99Ms: null,
        rps,
        baselineRps: null,
        pass: inboundSql <= staffSql + 1 && mine.load.errors === 0,
        measured: true,
        notes: [
          `SQL per discharge: staff route ${staffSql}, inbound (matched client) ${inboundSql}`,
          `errors: staff ${staff.load.errors}, inbound ${mine.load.errors}`,
        ],
      };
    } finally {
      await withDb(async (db) => {
        await db.query(`DELETE FROM outbox WHERE dispatched_at IS NULL`);
        await db.query(`DELETE FROM follow_up_job WHERE job_id NOT LIKE 'bench-s5.%'`);
      });
    }
  },
};

interface Person {
  id: string;
  person: { firstName: string; lastName: string; dateOfBirth: string };
}

// Every bench client gets an identifier (its id), so each inbound discharge matches one.
async function identify(ctx: BenchContext): Promise<Person[]> {
  const ids = ctx.data.clientsOf.flat();
  return withDb(async (db) => {
    await db.query(
      `INSERT INTO client_identifier (client_id, organization_id, system, value)
       SELECT id, organization_id, $2, id::text FROM client WHERE id = ANY($1::uuid[])
       ON CONFLICT DO NOTHING`,
      [ids, SYSTEM],
    );
    const { rows } = await db.query(
      `SELECT id, first_name, last_name, to_char(date_of_birth, 'YYYY-MM-DD') AS dob
       FROM client WHERE id = ANY($1::uuid[])`,
      [ids],
    );
    return rows.map((r: { id: string; first_name: string; last_name: string; dob: string }) => ({
      id: r.id,
      person: { firstName: r.first_name, lastName: r.last_name, dateOfBirth: r.dob },
    }));
  });
}

async function apiClientToken(ctx: BenchContext): Promise<string> {
  const clientId = `rb_bench_${randomBytes(6).toString('hex')}`;
  const secret = randomBytes(32).toString('base64url');
  await withDb((db) =>
    db.query(
      `INSERT INTO api_client (organization_id, name, client_id, secret_hash, scopes)
       VALUES ($1, 'Bench EHR', $2, $3, $4)`,
      [ORG_ID, clientId, createHash('sha256').update(secret).digest(), ['discharges:write']],
    ),
  );
  const res = await request(ctx.service.port, {
    method: 'POST',
    path: '/oauth/token',
    body: {
      grant_type: 'client_credentials',
      client_id: clientId,
      client_secret: secret,
      scope: 'discharges:write',
    },
  });
  const token = (res.body as { access_token?: string }).access_token;
  if (!token) throw new Error(`token for the bench API client: ${res.status}`);
  return token;
}
