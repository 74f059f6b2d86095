import { randomUUID } from 'node:crypto';

import { sign } from 'jsonwebtoken';

import { grantScopes } from '../../src/auth/permissions';
import { BENCH } from '../lib/config';
import { compare, fromSummary, summarize } from '../lib/compare';
import { BenchRequest } from '../lib/load';
import { ORG_ID, withDb } from '../lib/seed';
import { BenchContext, bearer, probe, Scenario } from './context';

const PAGE = 50;

interface FhirBench {
  token: string;
  clientIds: string[];
}

let prepared: Promise<FhirBench> | undefined;
let ready: FhirBench | undefined;

// The prepared data (unavailable() prepares it before any request is built).
function fhirData(): FhirBench {
  if (!ready) throw new Error('FHIR bench data not prepared');
  return ready;
}

/**
 * An EHR API client of the bench organization (system/*.read, purpose treatment) with a Part 2
 * consent (demographics) for the 50 clients of the first specialist, and an access token for it
 * signed like the service signs one (the same JWT secret). Made once per run.
 */
function prepare(ctx: BenchContext): Promise<FhirBench> {
  prepared ??= withDb(async (db) => {
    const clientIds = ctx.data.clientsOf[0].slice(0, PAGE);
    const { rows } = await db.query(
      `INSERT INTO api_client (organization_id, name, client_id, secret_hash, scopes)
       VALUES ($1, 'Bench EHR', 'bench-fhir-ehr', '\\x00', ARRAY['system/*.read'])
       ON CONFLICT (client_id) DO UPDATE SET name = EXCLUDED.name RETURNING id`,
      [ORG_ID],
    );
    const apiClientId = rows[0].id as string;
    await db.query(
      `INSERT INTO consent (organization_id, client_id, recipient_id, purposes, categories,
         effective_at, expires_at, signed_at, signature_method)
       SELECT $1, id, $2, ARRAY['treatment'], ARRAY['demographics'], now() - interval '1 day',
         now() + interval '1 year', now() - interval '1 day', 'written'
       FROM unnest($3::uuid[]) AS id
       WHERE NOT EXISTS (SELECT 1 FROM consent k WHERE k.client_id = id AND k.recipient_id = $2)`,
      [ORG_ID, apiClientId, clientIds],
    );
    const token = sign(
      {
        sub: apiClientId,
        org: ORG_ID,
        typ: 'client',
        // As the token endpoint grants it: system/*.read expanded into the type scopes.
        scope: grantScopes(['system/*.read'], ['system/*.read']).join(' '),
        gen: 0,
      },
      Buffer.from(BENCH.jwtSecret, 'base64'),
      {
        algorithm: 'HS256',
        expiresIn: 3600,
        issuer: 'recovery-bridge',
        audience: 'recovery-bridge-api',
        jwtid: randomUUID(),
      },
    );
    return { token, clientIds };
  });
  return prepared;
}

/** S13A: an EHR reads one consented Patient (consent check, mapping, disclosure + audit). */
export const s13FhirRead: Scenario = {
  name: 'S13A FHIR Patient read',
  target: '>= 0.60',
  request() {
    return (conn, seq): BenchRequest => {
      const { token, clientIds } = fhirData();
      return {
        method: 'GET',
        path: `/fhir/Patient/${clientIds[(conn + seq) % clientIds.length]}`,
        headers: bearer(token),
      };
    };
  },
  async unavailable(ctx) {
    ready = await prepare(ctx);
    return probe(ctx, this.request!(ctx)(0, 0), 200);
  },
  async run(ctx) {
    const c = await compare(ctx.opts, ctx.service, ctx.baseline, this.request!(ctx));
    const s = summarize(c);
    return fromSummary(this.name, this.target, s, c.ratios, s.ratio >= 0.6, [
      'statements per request: the consent-checked SELECT and one disclosure + audit statement',
      "baseline: the facade's own SELECT (selectRows) and RECORD_DISCLOSURES through raw pg, same mapper",
    ]);
  },
};

/** S13B: an EHR searches Patients, 50 on the page (50 consents checked, 50 accounting rows). */
export const s13FhirSearch: Scenario = {
  name: 'S13B FHIR Patient search (50 per page)',
  target: '>= 0.60',
  request() {
    return (): BenchRequest => ({
      method: 'GET',
      path: `/fhir/Patient?_count=${PAGE}`,
      headers: bearer(fhirData().token),
    });
  },
  async unavailable(ctx) {
    ready = await prepare(ctx);
    return probe(ctx, this.request!(ctx)(0, 0), 200);
  },
  async run(ctx) {
    const c = await compare(ctx.opts, ctx.service, ctx.baseline, this.request!(ctx));
    const s = summarize(c);
    return fromSummary(this.name, this.target, s, c.ratios, s.ratio >= 0.6, [
      'statements per request: one SELECT for the 50 Patients (consent LATERAL per row) and one INSERT of 50 disclosure rows + 50 audit events',
      "baseline: the facade's own SELECT (selectRows) and RECORD_DISCLOSURES through raw pg, same mapper",
    ]);
  },
};
