import { randomUUID } from 'node:crypto';

import { Caller, Handler, Route } from './baseline-lib';

import { ApiClientPrincipal } from '../../src/auth/principal';
import { statementName } from '../../src/database/prepared';
import { RECORD_DISCLOSURES } from '../../src/modules/disclosures/disclosure.queries';
import { part2Meta } from '../../src/modules/fhir/fhir-labels';
import { selectRows } from '../../src/modules/fhir/fhir-query';
import { FhirRow } from '../../src/modules/fhir/fhir-resource';
import { SqlArgs } from '../../src/modules/fhir/fhir-search';
import { patientResource } from '../../src/modules/fhir/mappers/patient.mapper';

/**
 * S13A and S13B by hand: the FHIR facade's own statements (the consent-checked SELECT and the one
 * disclosure + audit statement, named prepared statements as in the service) through raw pg, mapped by the same Patient mapper, no framework.
 */

type Row = FhirRow<Record<string, unknown>>;

const principalOf = (who: Caller): ApiClientPrincipal => ({
  kind: 'api_client',
  id: who.id,
  organizationId: who.organizationId,
  scopes: [],
  generation: 0,
});

const BASE = 'http://127.0.0.1';

// Named prepared statements, as the service runs them (src/database/prepared.ts).
const prepared = (text: string, values: unknown[]) => ({ name: statementName(text), text, values });

async function disclose(
  ctx: Parameters<Handler>[0],
  who: Caller,
  action: string,
  rows: Row[],
  resourceId: string | null,
): Promise<void> {
  const disclosures = rows.map((r) => ({
    client_id: r._clientId,
    consent_id: r._consentId,
    purpose: r._purpose,
    resources: [{ type: 'Patient', id: r._key }],
  }));
  await ctx.pool.query(
    prepared(RECORD_DISCLOSURES, [
      who.organizationId,
      who.id,
      randomUUID(),
      JSON.stringify(disclosures),
      who.id,
      'api_client',
      'api_client',
      action,
      'Patient',
      resourceId,
    ]),
  );
}

/** S13A: GET /fhir/Patient/:id. */
const readPatient: Handler = async (ctx, req, [id]) => {
  const who = ctx.caller(req);
  const args = new SqlArgs();
  const sql = selectRows(
    patientResource,
    principalOf(who),
    args,
    [`c.id = ${args.add(id)}::uuid`],
    1,
  );
  const { rows } = await ctx.pool.query<Row>(prepared(sql, args.values));
  const row = rows[0];
  if (!row) return [404, { resourceType: 'OperationOutcome' }];
  const resource = patientResource.toResource(row, {
    categories: row._categories ?? [],
    baseUrl: BASE,
  });
  await disclose(ctx, who, 'fhir.read', rows, id);
  return [200, resource];
};

/** S13B: GET /fhir/Patient?_count=N. */
const searchPatients: Handler = async (ctx, req) => {
  const who = ctx.caller(req);
  const count = Number(new URL(req.url ?? '', BASE).searchParams.get('_count') ?? 20);
  if (!Number.isInteger(count) || count < 1 || count > 100)
    return [400, { resourceType: 'OperationOutcome' }];
  const args = new SqlArgs();
  const sql = selectRows(patientResource, principalOf(who), args, [], count + 1);
  const { rows } = await ctx.pool.query<Row>(prepared(sql, args.values));
  const page = rows.slice(0, count);
  const entry = page.map((row) => {
    const resource = patientResource.toResource(row, {
      categories: row._categories ?? [],
      baseUrl: BASE,
    });
    return { fullUrl: `${BASE}/fhir/Patient/${resource.id}`, resource, search: { mode: 'match' } };
  });
  await disclose(ctx, who, 'fhir.search', page, null);
  return [
    200,
    {
      resourceType: 'Bundle',
      meta: part2Meta(new Date()),
      type: 'searchset',
      ...(rows.length > count ? {} : { total: page.length }),
      link: [{ relation: 'self', url: `${BASE}/fhir/Patient?_count=${count}` }],
      entry,
    },
  ];
};

export const FHIR_BASELINE_ROUTES: Route[] = [
  { method: 'GET', pattern: /^\/fhir\/Patient\/([0-9a-f-]{36})$/, handler: readPatient },
  { method: 'GET', pattern: /^\/fhir\/Patient$/, handler: searchPatients },
];
