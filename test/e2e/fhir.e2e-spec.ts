import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';

import type { Bundle, CapabilityStatement, OperationOutcome, Resource } from '@medplum/fhirtypes';
import request from 'supertest';

import { FHIR_RESOURCES } from '../../src/modules/fhir/fhir.registry';
import { PART2_NOTICE } from '../../src/modules/fhir/fhir-labels';
import { createTestOrg, TestOrg } from '../factories/people.factory';
import { countAuditEvents } from '../helpers/audit';
import { expectValidFhir } from '../helpers/fhir-validator';
import {
  createApiClient,
  createConsent,
  createFhirClient,
  revokeConsent,
  TestApiClient,
} from '../helpers/fhir-world';
import { bearer } from '../helpers/http';
import { captureStatements } from '../helpers/sql-statements';
import { createTestApp, TestApp } from '../setup/create-test-app';

const FHIR_JSON = /^application\/fhir\+json/;
const LABELS = [
  { system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', code: 'R' },
  { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'SUD' },
  { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'NORDSLCD' },
];

function expectPart2(resource: Resource): void {
  expect(resource.meta?.security).toEqual(LABELS.map((l) => expect.objectContaining(l)));
  expect(resource.meta?.tag).toEqual([expect.objectContaining({ display: PART2_NOTICE })]);
}

function expectOutcome(body: OperationOutcome, code: string): void {
  expect(body.resourceType).toBe('OperationOutcome');
  expect(body.issue.map((i) => i.code)).toEqual(body.issue.map(() => code));
  expectValidFhir(body);
}

const ids = (b: Bundle) => (b.entry ?? []).map((e) => e.resource?.id);

describe('FHIR R4 facade (e2e)', () => {
  let t: TestApp;
  let org: TestOrg;
  let ehr: TestApiClient;
  let consented: string;
  let consentId: string;
  const http = () => request(t.app.getHttpServer());
  const fhirGet = (path: string, token = ehr.token) => http().get(path).auth(token, bearer);

  beforeAll(async () => {
    t = await createTestApp();
    org = await createTestOrg(t.app);
    ehr = await createApiClient(t.app, org);
    consented = await createFhirClient(t.app, org.peerA1, {
      firstName: 'Avery',
      identifiers: [{ system: 'urn:medicaid', value: `MCD-${randomUUID()}` }],
    });
    consentId = await createConsent(t.app, org.peerA1, consented, ehr.id, {
      categories: ['demographics', 'follow-ups'],
    });
  });
  afterAll(() => t.close());

  describe('GET /fhir/metadata', () => {
    it('should answer a valid CapabilityStatement without a token, linking SMART discovery', async () => {
      const res = await http().get('/fhir/metadata?_format=json').expect(200);
      expect(res.headers['content-type']).toMatch(FHIR_JSON);
      const cs = res.body as CapabilityStatement;
      expectValidFhir(cs);
      expect(cs.fhirVersion).toBe('4.0.1');
      expect(cs.rest?.[0].resource?.map((r) => r.type)).toEqual(FHIR_RESOURCES.map((d) => d.type));
      const security = cs.rest?.[0].security;
      expect(security?.extension?.[0]).toEqual({
        url: 'http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris',
        extension: [
          { url: 'token', valueUri: expect.stringMatching(/^http:\/\/[^/]+\/oauth\/token$/) },
        ],
      });
      expect(security?.description).toMatch(/\/\.well-known\/smart-configuration$/);
      expect(cs.description).toContain('X-42CFR-Part2-Notice');
    });
  });

  describe('request bodies', () => {
    it('should read application/fhir+json bodies as JSON (for the POSTs to come)', async () => {
      const res = await http()
        .post('/api/v1/auth/login')
        .set('Content-Type', 'application/fhir+json')
        .send(
          JSON.stringify({
            email: `nobody-${randomUUID()}@example.test`,
            password: 'wrong-password-1',
          }),
        )
        .expect(401);
      expect(res.body.code).toBe('INVALID_CREDENTIALS');
      await http()
        .post('/api/v1/auth/login')
        .set('Content-Type', 'application/fhir+json')
        .send('{"email":')
        .expect(400);
    });
  });

  describe('GET /fhir/Patient/:id', () => {
    it('should answer 401 OperationOutcome (login) without a token', async () => {
      const res = await http().get(`/fhir/Patient/${consented}`).expect(401);
      expect(res.headers['content-type']).toMatch(FHIR_JSON);
      expectOutcome(res.body, 'login');
    });

    it('should answer 403 OperationOutcome (forbidden) to staff and to a client without the scope', async () => {
      expectOutcome(
        (await fhirGet(`/fhir/Patient/${consented}`, org.peerA1.token).expect(403)).body,
        'forbidden',
      );
      const consentOnly = await createApiClient(t.app, org, ['system/Consent.read']);
      expectOutcome(
        (await fhirGet(`/fhir/Patient/${consented}`, consentOnly.token).expect(403)).body,
        'forbidden',
      );
    });

    it('should keep API clients out of the staff endpoints (403)', async () => {
      await fhirGet('/api/v1/clients').expect(403);
      await fhirGet(`/api/v1/clients/${consented}`).expect(403);
      await fhirGet(`/api/v1/clients/${consented}/disclosures`).expect(403);
    });

    it('should disclose a consented Patient with the Part 2 labels and notice, and account for it', async () => {
      const res = await fhirGet(`/fhir/Patient/${consented}`).expect(200);
      expect(res.headers['content-type']).toMatch(FHIR_JSON);
      expect(res.headers['x-42cfr-part2-notice']).toBe(PART2_NOTICE);
      expectValidFhir(res.body);
      expectPart2(res.body);
      expect(res.body).toMatchObject({
        resourceType: 'Patient',
        id: consented,
        name: [{ use: 'official', given: ['Avery'] }],
        birthDate: '1988-04-12',
        generalPractitioner: [{ reference: `Practitioner/${org.peerA1.id}` }],
      });
      const correlationId = res.headers['x-correlation-id'];
      const rows = await t.dataSource.query(
        `SELECT recipient_id, client_id, consent_id, purpose, resources FROM disclosure WHERE correlation_id = $1`,
        [correlationId],
      );
      expect(rows).toEqual([
        {
          recipient_id: ehr.id,
          client_id: consented,
          consent_id: consentId,
          purpose: 'treatment',
          resources: [{ type: 'Patient', id: consented }],
        },
      ]);
      const [audit] = await t.dataSource.query(
        `SELECT action, actor_id, client_id, resource_type, resource_id, outcome FROM audit_event WHERE correlation_id = $1`,
        [correlationId],
      );
      expect(audit).toEqual({
        action: 'fhir.read',
        actor_id: ehr.id,
        client_id: consented,
        resource_type: 'Patient',
        resource_id: consented,
        outcome: 'success',
      });
    });

    it('should read a Patient in two prepared statements: the consent-checked SELECT, then the accounting and audit', async () => {
      // The API client's token check runs only when its cached answer expired: left out.
      const read = async () => {
        let res!: request.Response;
        const sent = await captureStatements(async () => {
          res = await fhirGet(`/fhir/Patient/${consented}`).expect(200);
        });
        expect(res.body.id).toBe(consented);
        return sent.filter((s) => !/FROM api_client WHERE id = \$1$/.test(s.text));
      };
      const first = await read();
      expect(first).toEqual([
        { text: expect.stringMatching(/FROM client c\b/), name: expect.any(String) },
        { text: expect.stringMatching(/INSERT INTO disclosure/), name: expect.any(String) },
      ]);
      // Read again: the same two statements under the same names (parsed and planned once).
      expect(await read()).toEqual(first);
    });

    it('should answer 404 (not-found) for a malformed or unknown id, and an unknown type (not-supported)', async () => {
      expectOutcome((await fhirGet('/fhir/Patient/not-a-uuid').expect(404)).body, 'not-found');
      expectOutcome((await fhirGet(`/fhir/Patient/${randomUUID()}`).expect(404)).body, 'not-found');
      expectOutcome(
        (await fhirGet(`/fhir/Medication/${randomUUID()}`).expect(404)).body,
        'not-supported',
      );
      expectOutcome(
        (await fhirGet(`/fhir/Patient/${consented}?_format=xml`).expect(400)).body,
        'invalid',
      );
    });
  });

  describe('consent enforcement (42 CFR Part 2)', () => {
    // A client the Patient read and an identifier search do not find, with the rows untouched.
    async function expectInvisible(clientId: string, token = ehr.token): Promise<void> {
      const before = await t.dataSource.query(
        `SELECT count(*)::int AS n FROM disclosure WHERE client_id = $1`,
        [clientId],
      );
      expectOutcome(
        (await fhirGet(`/fhir/Patient/${clientId}`, token).expect(404)).body,
        'not-found',
      );
      const [{ system, value }] = await t.dataSource.query(
        `SELECT system, value FROM client_identifier WHERE client_id = $1`,
        [clientId],
      );
      const search = await fhirGet(
        `/fhir/Patient?identifier=${encodeURIComponent(`${system}|${value}`)}`,
        token,
      ).expect(200);
      expect(search.body).toMatchObject({ resourceType: 'Bundle', type: 'searchset', total: 0 });
      expect(search.body.entry).toEqual([]);
      const byId = await fhirGet(`/fhir/Patient?_id=${clientId}`, token).expect(200);
      expect(byId.body.entry).toEqual([]);
      const after = await t.dataSource.query(
        `SELECT count(*)::int AS n FROM disclosure WHERE client_id = $1`,
        [clientId],
      );
      expect(after).toEqual(before);
      expect(
        await countAuditEvents(t.dataSource, {
          action: 'fhir.read',
          resourceId: clientId,
          outcome: 'denied',
        }),
      ).toBe(1);
    }

    it('should hide a client without any consent', async () => {
      await expectInvisible(await createFhirClient(t.app, org.peerA1));
    });

    it('should hide a client whose consent has expired', async () => {
      const id = await createFhirClient(t.app, org.peerA1);
      const k = await createConsent(t.app, org.peerA1, id, ehr.id);
      await fhirGet(`/fhir/Patient/${id}`).expect(200);
      await t.dataSource.query(
        `UPDATE consent SET effective_at = now() - interval '2 days', expires_at = now() - interval '1 second' WHERE id = $1`,
        [k],
      );
      await expectInvisible(id);
    });

    it('should hide a client at once when its consent is revoked (same token)', async () => {
      const id = await createFhirClient(t.app, org.peerA1);
      const k = await createConsent(t.app, org.peerA1, id, ehr.id);
      await fhirGet(`/fhir/Patient/${id}`).expect(200);
      await revokeConsent(t.app, org.peerA1, id, k);
      await expectInvisible(id);
    });

    it('should hide a client not yet under its consent (effective later)', async () => {
      const id = await createFhirClient(t.app, org.peerA1);
      const k = await createConsent(t.app, org.peerA1, id, ehr.id);
      await t.dataSource.query(
        `UPDATE consent SET effective_at = now() + interval '1 day' WHERE id = $1`,
        [k],
      );
      await expectInvisible(id);
    });

    it('should hide a client consented to another recipient', async () => {
      const other = await createApiClient(t.app, org);
      const id = await createFhirClient(t.app, org.peerA1);
      await createConsent(t.app, org.peerA1, id, other.id);
      await expectInvisible(id);
      await fhirGet(`/fhir/Patient/${id}`, other.token).expect(200);
    });

    it('should hide a client whose consent does not cover the purpose the API client is registered for', async () => {
      const researcher = await createApiClient(t.app, org);
      await t.dataSource.query(`UPDATE api_client SET purpose = 'research' WHERE id = $1`, [
        researcher.id,
      ]);
      const id = await createFhirClient(t.app, org.peerA1);
      await createConsent(t.app, org.peerA1, id, researcher.id, {
        purposes: ['treatment', 'payment'],
      });
      await expectInvisible(id, researcher.token);
      await createConsent(t.app, org.peerA1, id, researcher.id, { purposes: ['research'] });
      await fhirGet(`/fhir/Patient/${id}`, researcher.token).expect(200);
    });

    it('should hide a client whose consent does not cover the category (demographics for Patient)', async () => {
      const id = await createFhirClient(t.app, org.peerA1);
      await createConsent(t.app, org.peerA1, id, ehr.id, {
        categories: ['assessments', 'plans-goals'],
      });
      await expectInvisible(id);
    });

    it("should hide another organization's client from this organization's API client", async () => {
      const otherOrg = await createTestOrg(t.app);
      const theirs = await createApiClient(t.app, otherOrg);
      const id = await createFhirClient(t.app, otherOrg.peerA1);
      await createConsent(t.app, otherOrg.peerA1, id, theirs.id);
      await expectInvisible(id);
      await fhirGet(`/fhir/Patient/${id}`, theirs.token).expect(200);
      // Their token on our consented client: nothing either.
      expectOutcome(
        (await fhirGet(`/fhir/Patient/${consented}`, theirs.token).expect(404)).body,
        'not-found',
      );
    });
  });

  describe('GET /fhir/Patient (search)', () => {
    it('should search by identifier, name, birthdate and _id with a total when the result fits one page', async () => {
      const [{ system, value }] = await t.dataSource.query(
        `SELECT system, value FROM client_identifier WHERE client_id = $1`,
        [consented],
      );
      for (const q of [
        `identifier=${encodeURIComponent(`${system}|${value}`)}`,
        `identifier=${encodeURIComponent(value)}`,
        'name=aVe',
        `_id=${consented}`,
        'birthdate=1988-04',
        'birthdate=ge1988-04-12&birthdate=lt1988-04-13',
      ]) {
        const res = await fhirGet(`/fhir/Patient?${q}`).expect(200);
        expect(res.headers['content-type']).toMatch(FHIR_JSON);
        expect(res.headers['x-42cfr-part2-notice']).toBe(PART2_NOTICE);
        expectValidFhir(res.body);
        expectPart2(res.body);
        expect(ids(res.body)).toEqual([consented]);
        expect(res.body.total).toBe(1);
        expect(res.body.entry[0]).toMatchObject({
          fullUrl: expect.stringMatching(new RegExp(`/fhir/Patient/${consented}$`)),
          search: { mode: 'match' },
        });
        expectPart2(res.body.entry[0].resource);
      }
      expect(ids((await fhirGet('/fhir/Patient?birthdate=1990').expect(200)).body)).not.toContain(
        consented,
      );
    });

    it('should answer 400 OperationOutcome for unknown (not-supported) and malformed (invalid) parameters', async () => {
      expectOutcome(
        (await fhirGet('/fhir/Patient?gender=female').expect(400)).body,
        'not-supported',
      );
      expectOutcome(
        (await fhirGet('/fhir/Patient?name:exact=Avery').expect(400)).body,
        'not-supported',
      );
      expectOutcome(
        (await fhirGet('/fhir/Patient?_include=Patient:organization').expect(400)).body,
        'not-supported',
      );
      expectOutcome(
        (await fhirGet('/fhir/Patient?birthdate=yesterday').expect(400)).body,
        'invalid',
      );
      expectOutcome((await fhirGet('/fhir/Patient?birthdate=1988-13').expect(400)).body, 'invalid');
      expectOutcome((await fhirGet('/fhir/Patient?_count=101').expect(400)).body, 'invalid');
      expectOutcome((await fhirGet('/fhir/Patient?_count=0').expect(400)).body, 'invalid');
      expectOutcome((await fhirGet('/fhir/Patient?name=').expect(400)).body, 'invalid');
      expectOutcome((await fhirGet('/fhir/Consent?patient=Group/1').expect(400)).body, 'invalid');
    });

    it('should page with next links bound to the API client, and drop a client revoked mid-paging', async () => {
      const pager = await createApiClient(t.app, org);
      const clients: { id: string; consentId: string }[] = [];
      for (let i = 0; i < 5; i++) {
        const id = await createFhirClient(t.app, org.peerA1);
        clients.push({ id, consentId: await createConsent(t.app, org.peerA1, id, pager.id) });
      }
      const sorted = [...clients].sort((a, b) => a.id.localeCompare(b.id));
      const first = await fhirGet('/fhir/Patient?_count=2', pager.token).expect(200);
      expectValidFhir(first.body);
      expect(ids(first.body)).toEqual(sorted.slice(0, 2).map((c) => c.id));
      expect(first.body.total).toBeUndefined();
      const next = (first.body as Bundle).link?.find((l) => l.relation === 'next')?.url as string;
      expect(next).toMatch(/_cursor=/);
      const path = new URL(next).pathname + new URL(next).search;
      // Another API client's hands: 400 (invalid), even for the same search.
      expectOutcome((await fhirGet(path, ehr.token).expect(400)).body, 'invalid');
      // The cursor is bound to the search too.
      const cursor = new URL(next).searchParams.get('_cursor') as string;
      await fhirGet(
        `/fhir/Patient?_count=3&_cursor=${encodeURIComponent(cursor)}`,
        pager.token,
      ).expect(400);
      // Revoked between pages: the next page no longer holds the client.
      const revoked = sorted[2];
      await revokeConsent(t.app, org.peerA1, revoked.id, revoked.consentId);
      const second = await fhirGet(path, pager.token).expect(200);
      expectValidFhir(second.body);
      expect(ids(second.body)).toEqual([sorted[3].id, sorted[4].id]);
      expect(second.body.total).toBeUndefined();
      expect((second.body as Bundle).link?.some((l) => l.relation === 'next')).toBe(false);
    });

    it('should disclose a 50-patient page with one accounting statement of 50 rows, in a bounded number of statements', async () => {
      const bulk = await createApiClient(t.app, org);
      // 50 clients at once (the API would hold a peer to the caseload cap).
      const rows: { id: string }[] = await t.dataSource.query(
        `INSERT INTO client (organization_id, first_name, last_name, date_of_birth, primary_specialist_id)
         SELECT $1, 'Bulk', 'Client ' || n, '1990-01-01', $2 FROM generate_series(1, 50) AS n RETURNING id`,
        [org.id, org.peerB1.id],
      );
      const clientIds = rows.map((r) => r.id);
      await t.dataSource.query(
        `INSERT INTO consent (organization_id, client_id, recipient_id, purposes, categories, effective_at, expires_at, signed_at, signature_method)
         SELECT $1, id, $2, ARRAY['treatment'], ARRAY['demographics'], now() - interval '1 day', now() + interval '1 year', now() - interval '1 day', 'written'
         FROM unnest($3::uuid[]) AS id`,
        [org.id, bulk.id, clientIds],
      );
      let res!: request.Response;
      const sent = await captureStatements(async () => {
        res = await fhirGet('/fhir/Patient?_count=50', bulk.token).expect(200);
      });
      const statements = sent.map((s) => s.text);
      expect(res.body.entry).toHaveLength(50);
      expect(res.body.total).toBe(50);
      expect(statements.filter((s) => /INSERT INTO disclosure/.test(s))).toHaveLength(1);
      expect(statements.filter((s) => /FROM client c/.test(s))).toHaveLength(1);
      expect(statements.length).toBeLessThanOrEqual(3);
      const [{ n, clients }] = await t.dataSource.query(
        `SELECT count(*)::int AS n, count(DISTINCT client_id)::int AS clients FROM disclosure WHERE correlation_id = $1`,
        [res.headers['x-correlation-id']],
      );
      expect({ n, clients }).toEqual({ n: 50, clients: 50 });
      expect(
        await t.dataSource.query(
          `SELECT count(*)::int AS n FROM audit_event WHERE correlation_id = $1 AND action = 'fhir.search'`,
          [res.headers['x-correlation-id']],
        ),
      ).toEqual([{ n: 50 }]);
    });
  });

  describe('Practitioner and Consent', () => {
    it('should show the peer specialists of consented Patients only', async () => {
      const res = await fhirGet('/fhir/Practitioner').expect(200);
      expectValidFhir(res.body);
      expect(ids(res.body)).toEqual([org.peerA1.id]);
      expectPart2(res.body.entry[0].resource);
      await fhirGet(`/fhir/Practitioner/${org.peerA1.id}`).expect(200);
      await fhirGet(`/fhir/Practitioner/${org.supervisorA.id}`).expect(404);
      await fhirGet(`/fhir/Practitioner/${org.peerB1.id}`).expect(404);
    });

    it('should show the consents in force naming the API client, with their provisions, and include the Patient', async () => {
      const res = await fhirGet(
        `/fhir/Consent?patient=Patient/${consented}&_include=Consent:patient`,
      ).expect(200);
      expectValidFhir(res.body);
      expect(ids(res.body)).toEqual([consentId, consented]);
      expect(res.body.entry.map((e: { search: { mode: string } }) => e.search.mode)).toEqual([
        'match',
        'include',
      ]);
      expect(res.body.entry[0].resource).toMatchObject({
        resourceType: 'Consent',
        status: 'active',
        patient: { reference: `Patient/${consented}` },
        provision: {
          type: 'permit',
          actor: [{ reference: { identifier: { value: ehr.id } } }],
          purpose: [{ code: 'TREAT' }],
          code: [{ coding: [{ code: 'demographics' }] }, { coding: [{ code: 'follow-ups' }] }],
        },
      });
      const [row] = await t.dataSource.query(
        `SELECT resources FROM disclosure WHERE correlation_id = $1`,
        [res.headers['x-correlation-id']],
      );
      expect(row.resources).toEqual([
        { type: 'Consent', id: consentId },
        { type: 'Patient', id: consented },
      ]);
    });
  });

  describe('the CapabilityStatement, walked', () => {
    const sample: Record<string, (type: string) => string> = {
      _id: () => consented,
      patient: () => `Patient/${consented}`,
      identifier: () => 'urn:medicaid|none',
      name: () => 'a',
      birthdate: () => 'ge1900-01-01',
      status: () => 'requested,completed',
      _lastUpdated: () => 'ge2000-01-01',
    };

    it('should serve every interaction and search parameter it lists, and list every type served', async () => {
      const cs = (await http().get('/fhir/metadata').expect(200)).body as CapabilityStatement;
      for (const resource of cs.rest?.[0].resource ?? []) {
        const type = resource.type;
        expect(resource.interaction?.map((i) => i.code)).toEqual(['read', 'search-type']);
        const all = await fhirGet(`/fhir/${type}`).expect(200);
        expectValidFhir(all.body);
        for (const param of resource.searchParam ?? []) {
          const value = sample[param.name]?.(type);
          expect(value).toBeDefined();
          const res = await fhirGet(
            `/fhir/${type}?${param.name}=${encodeURIComponent(value as string)}`,
          ).expect(200);
          expectValidFhir(res.body);
        }
        for (const include of resource.searchInclude ?? []) {
          await fhirGet(`/fhir/${type}?_include=${include}`).expect(200);
        }
        const first = (all.body as Bundle).entry?.[0]?.resource;
        if (first) expectValidFhir((await fhirGet(`/fhir/${type}/${first.id}`).expect(200)).body);
      }
      expect(FHIR_RESOURCES.map((d) => d.type).sort()).toEqual(
        (cs.rest?.[0].resource ?? []).map((r) => r.type).sort(),
      );
    });
  });

  describe('an EHR with fhir-kit-client', () => {
    it('should read the CapabilityStatement, search, follow next links and read, as an integration does', async () => {
      const reader = await createApiClient(t.app, org);
      const made: string[] = [];
      for (let i = 0; i < 3; i++) {
        const id = await createFhirClient(t.app, org.peerA1);
        await createConsent(t.app, org.peerA1, id, reader.id);
        made.push(id);
      }
      await t.app.listen(0, '127.0.0.1');
      const address = t.app.getHttpServer().address() as { port: number };
      const { stdout } = await promisify(execFile)(process.execPath, [
        join(__dirname, '../fhir-ehr/ehr-client.mjs'),
        `http://127.0.0.1:${address.port}/fhir`,
        reader.token,
        '2',
      ]);
      const out = JSON.parse(stdout) as {
        capability: CapabilityStatement;
        pages: Bundle[];
        reads: Resource[];
        error: unknown;
      };
      expect(out.error).toBeNull();
      expect(out.capability.resourceType).toBe('CapabilityStatement');
      expect(out.pages).toHaveLength(2);
      for (const page of out.pages) expectValidFhir(page);
      expect(out.reads.map((r) => r.id)).toEqual([...made].sort());
      for (const r of out.reads) {
        expectValidFhir(r);
        expectPart2(r);
      }
    });
  });
});
