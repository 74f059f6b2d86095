import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

import type {
  Bundle,
  Consent,
  Encounter,
  Observation,
  QuestionnaireResponse,
  Resource,
} from '@medplum/fhirtypes';
import request from 'supertest';

import { PART2_NOTICE } from '../../src/modules/fhir/fhir-labels';
import { createFollowUp } from '../factories/client.factory';
import { createTestOrg, TestOrg } from '../factories/people.factory';
import { createGoal, createPlan } from '../factories/recovery-plan.factory';
import { createNote } from '../factories/session-note.factory';
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

const LABELS = [
  { system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', code: 'R' },
  { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'SUD' },
  { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'NORDSLCD' },
];
const CLINICAL_TYPES = [
  'CarePlan',
  'Goal',
  'Encounter',
  'Task',
  'QuestionnaireResponse',
  'Observation',
] as const;
type ClinicalType = (typeof CLINICAL_TYPES)[number];

/** The records of one client, by FHIR type (ids). */
type Records = Record<ClinicalType, string[]> & {
  draftNote: string;
  tasks: Record<string, string>;
};

const NARRATIVE = 'Talked about <b>housing</b> & the new job';
const ADDENDUM = 'Late entry: called the landlord together';

const ids = (b: Bundle) => (b.entry ?? []).map((e) => e.resource?.id);
const sorted = (a: (string | undefined)[]) => [...a].sort();

function expectPart2(resource: Resource): void {
  expect(resource.meta?.security).toEqual(LABELS.map((l) => expect.objectContaining(l)));
  expect(resource.meta?.tag).toEqual([expect.objectContaining({ display: PART2_NOTICE })]);
}

describe('FHIR clinical resources: CarePlan, Goal, Encounter, Task, QuestionnaireResponse, Observation (e2e)', () => {
  let t: TestApp;
  let org: TestOrg;
  let ehr: TestApiClient;
  /** Every category: the note text too. */
  let full: string;
  /** demographics and follow-ups only: Tasks and Encounters without text, nothing else. */
  let partial: string;
  /** No consent at all. */
  let unconsented: string;
  const records: Record<string, Records> = {};
  const http = () => request(t.app.getHttpServer());
  const fhirGet = (path: string, token = ehr.token) => http().get(path).auth(token, bearer);

  // One client's records, written straight to the tables: a plan with three goals, a signed note
  // with an addendum and a draft, three follow-ups and two BARC-10s (totals 47 and 40).
  async function seedRecords(clientId: string): Promise<Records> {
    const ds = t.dataSource;
    const client = { id: clientId, organizationId: org.id };
    const plan = await createPlan(ds, client, { status: 'active' });
    const goals: string[] = [];
    for (let i = 0; i < 3; i++) goals.push((await createGoal(ds, plan)).id);
    const note = await createNote(ds, {
      organizationId: org.id,
      clientId,
      authorId: org.peerA1.id,
      status: 'signed',
      sections: { narrative: NARRATIVE },
    });
    await ds.query(
      `INSERT INTO session_note_addendum (organization_id, note_id, client_id, author_id, text)
       VALUES ($1, $2, $3, $4, $5)`,
      [org.id, note, clientId, org.peerA1.id, ADDENDUM],
    );
    const draftNote = await createNote(ds, {
      organizationId: org.id,
      clientId,
      authorId: org.peerA1.id,
    });
    const tasks: Record<string, string> = {};
    for (const status of ['requested', 'completed', 'cancelled']) {
      tasks[status] = await createFollowUp(ds, {
        organizationId: org.id,
        clientId,
        ownerId: org.peerA1.id,
        dueAt: new Date(),
        status,
      });
    }
    const assessments: string[] = [];
    for (const answers of [
      [5, 5, 5, 5, 5, 5, 5, 5, 4, 3],
      [4, 4, 4, 4, 4, 4, 4, 4, 4, 4],
    ]) {
      const [row] = await ds.query(
        `INSERT INTO assessment (organization_id, client_id, instrument, answers, total, administered_at, administered_by_id)
         VALUES ($1, $2, 'BARC-10', $3, $4, now(), $5) RETURNING id`,
        [org.id, clientId, answers, answers.reduce((s, a) => s + a, 0), org.peerA1.id],
      );
      assessments.push(row.id);
    }
    return {
      CarePlan: [plan.id],
      Goal: goals,
      Encounter: [note],
      Task: Object.values(tasks),
      QuestionnaireResponse: assessments,
      Observation: assessments,
      draftNote,
      tasks,
    };
  }

  beforeAll(async () => {
    t = await createTestApp();
    org = await createTestOrg(t.app);
    ehr = await createApiClient(t.app, org);
    full = await createFhirClient(t.app, org.peerA1);
    partial = await createFhirClient(t.app, org.peerA1);
    unconsented = await createFhirClient(t.app, org.peerA1);
    await createConsent(t.app, org.peerA1, full, ehr.id, {
      categories: ['demographics', 'plans-goals', 'follow-ups', 'assessments', 'session-notes'],
    });
    await createConsent(t.app, org.peerA1, partial, ehr.id, {
      categories: ['demographics', 'follow-ups'],
    });
    for (const id of [full, partial, unconsented]) records[id] = await seedRecords(id);
  });
  afterAll(() => t.close());

  describe('read', () => {
    it.each(CLINICAL_TYPES)(
      'should read a %s of a consented client as valid FHIR R4 with the Part 2 labels and account for it',
      async (type) => {
        const id = records[full][type][0];
        const res = await fhirGet(`/fhir/${type}/${id}`).expect(200);
        expect(res.headers['content-type']).toMatch(/^application\/fhir\+json/);
        expect(res.headers['x-42cfr-part2-notice']).toBe(PART2_NOTICE);
        expectValidFhir(res.body);
        expectPart2(res.body);
        expect(res.body).toMatchObject({ resourceType: type, id });
        const subject = type === 'Task' ? res.body.for : res.body.subject;
        expect(subject).toEqual({ reference: `Patient/${full}` });
        const rows = await t.dataSource.query(
          `SELECT client_id, recipient_id, resources FROM disclosure WHERE correlation_id = $1`,
          [res.headers['x-correlation-id']],
        );
        expect(rows).toEqual([
          { client_id: full, recipient_id: ehr.id, resources: [{ type, id }] },
        ]);
      },
    );

    it.each(CLINICAL_TYPES)(
      'should answer 404 with an OperationOutcome for a %s of a client without consent, and account for nothing',
      async (type) => {
        const res = await fhirGet(`/fhir/${type}/${records[unconsented][type][0]}`).expect(404);
        expectValidFhir(res.body);
        expect(res.body.resourceType).toBe('OperationOutcome');
        const rows = await t.dataSource.query(
          `SELECT 1 FROM disclosure WHERE correlation_id = $1`,
          [res.headers['x-correlation-id']],
        );
        expect(rows).toEqual([]);
      },
    );

    it.each(['CarePlan', 'Goal', 'QuestionnaireResponse', 'Observation'] as const)(
      'should answer 404 for a %s when the consent does not cover its category',
      async (type) => {
        const res = await fhirGet(`/fhir/${type}/${records[partial][type][0]}`).expect(404);
        expectValidFhir(res.body);
      },
    );

    it('should answer 404 for the Encounter of a draft note, even under session-notes', async () => {
      await fhirGet(`/fhir/Encounter/${records[full].draftNote}`).expect(404);
    });
  });

  describe('search by patient', () => {
    it.each(CLINICAL_TYPES)(
      'should find exactly the %s records of the consented client, in a valid searchset',
      async (type) => {
        const res = await fhirGet(`/fhir/${type}?patient=Patient/${full}`).expect(200);
        expectValidFhir(res.body);
        expect(res.body).toMatchObject({ resourceType: 'Bundle', type: 'searchset' });
        expect(sorted(ids(res.body))).toEqual(sorted(records[full][type]));
        expect(res.body.total).toBe(records[full][type].length);
        for (const e of res.body.entry) {
          expectPart2(e.resource);
          expect(e.search).toEqual({ mode: 'match' });
          expect(e.fullUrl).toMatch(new RegExp(`/fhir/${type}/${e.resource.id}$`));
        }
      },
    );

    it.each(CLINICAL_TYPES)(
      'should find no %s of a client without consent, nor of one whose consent leaves the category out',
      async (type) => {
        const none = await fhirGet(`/fhir/${type}?patient=${unconsented}`).expect(200);
        expectValidFhir(none.body);
        expect(none.body.entry ?? []).toEqual([]);
        const partialIds = ids(
          (await fhirGet(`/fhir/${type}?patient=${partial}`).expect(200)).body,
        );
        const visible = type === 'Task' || type === 'Encounter';
        expect(sorted(partialIds)).toEqual(visible ? sorted(records[partial][type]) : []);
      },
    );

    it("should never list another client's records in an unfiltered search", async () => {
      for (const type of CLINICAL_TYPES) {
        const res = await fhirGet(`/fhir/${type}?_count=100`).expect(200);
        expectValidFhir(res.body);
        const visible = [...records[full][type]];
        if (type === 'Task' || type === 'Encounter') visible.push(...records[partial][type]);
        expect(sorted(ids(res.body))).toEqual(sorted(visible));
      }
    });

    it('should answer 400 with an OperationOutcome for a malformed patient', async () => {
      const res = await fhirGet('/fhir/Goal?patient=Practitioner/x').expect(400);
      expectValidFhir(res.body);
      expect(res.body.issue[0].code).toBe('invalid');
    });
  });

  describe('_include of the Patient', () => {
    it.each(['CarePlan', 'Goal', 'Task'] as const)(
      'should include the Patient once on a %s search and account for both',
      async (type) => {
        const res = await fhirGet(`/fhir/${type}?patient=${full}&_include=${type}:patient`).expect(
          200,
        );
        expectValidFhir(res.body);
        const entries = res.body.entry as { resource: Resource; search: { mode: string } }[];
        const included = entries.filter((e) => e.search.mode === 'include');
        expect(included.map((e) => [e.resource.resourceType, e.resource.id])).toEqual([
          ['Patient', full],
        ]);
        expect(
          sorted(entries.filter((e) => e.search.mode === 'match').map((e) => e.resource.id)),
        ).toEqual(sorted(records[full][type]));
        const [row] = await t.dataSource.query(
          `SELECT resources FROM disclosure WHERE correlation_id = $1`,
          [res.headers['x-correlation-id']],
        );
        expect(row.resources).toContainEqual({ type: 'Patient', id: full });
      },
    );

    it.each(['Encounter', 'QuestionnaireResponse', 'Observation'] as const)(
      'should refuse _include on a %s search with a 400 not-supported OperationOutcome',
      async (type) => {
        const res = await fhirGet(`/fhir/${type}?_include=${type}:patient`).expect(400);
        expectValidFhir(res.body);
        expect(res.body.issue[0].code).toBe('not-supported');
      },
    );
  });

  describe('Encounter note text', () => {
    it('should carry the escaped narrative and addenda when the consent lists session-notes', async () => {
      const res = await fhirGet(`/fhir/Encounter/${records[full].Encounter[0]}`).expect(200);
      const encounter = res.body as Encounter;
      expectValidFhir(encounter);
      expect(encounter.text?.status).toBe('additional');
      expect(encounter.text?.div).toContain(
        'Talked about &lt;b&gt;housing&lt;/b&gt; &amp; the new job',
      );
      expect(encounter.text?.div).toContain(ADDENDUM);
      expect(encounter).toMatchObject({
        status: 'finished',
        class: { code: 'AMB' },
        participant: [{ individual: { reference: `Practitioner/${org.peerA1.id}` } }],
      });
    });

    it('should carry no note text at all when the consent does not list session-notes', async () => {
      const read = await fhirGet(`/fhir/Encounter/${records[partial].Encounter[0]}`).expect(200);
      const search = await fhirGet(`/fhir/Encounter?patient=${partial}`).expect(200);
      for (const body of [read.body, search.body]) {
        expectValidFhir(body);
        expect(JSON.stringify(body)).not.toMatch(/housing|new job|landlord|narrative/);
      }
      expect(read.body).not.toHaveProperty('text');
      expect(read.body).toMatchObject({ resourceType: 'Encounter', status: 'finished' });
    });
  });

  describe('Task status and _lastUpdated', () => {
    it('should filter by one status and by several, and refuse an unknown one', async () => {
      const { tasks } = records[full];
      const one = await fhirGet(`/fhir/Task?patient=${full}&status=completed`).expect(200);
      expectValidFhir(one.body);
      expect(ids(one.body)).toEqual([tasks.completed]);
      expect(one.body.entry[0].resource.status).toBe('completed');
      const two = await fhirGet(
        `/fhir/Task?patient=${full}&status=${encodeURIComponent('http://hl7.org/fhir/task-status|requested,cancelled')}`,
      ).expect(200);
      expect(sorted(ids(two.body))).toEqual(sorted([tasks.requested, tasks.cancelled]));
      const bad = await fhirGet(`/fhir/Task?status=overdue`).expect(400);
      expectValidFhir(bad.body);
      expect(bad.body.issue[0].code).toBe('invalid');
    });

    it('should filter by _lastUpdated with prefixes, dates and instants', async () => {
      const { tasks } = records[full];
      await t.dataSource.query(
        `UPDATE follow_up SET updated_at = v.at, created_at = v.at - interval '1 day'
         FROM (SELECT id, CASE id WHEN $1 THEN '2026-01-10T08:00:00Z'::timestamptz
           WHEN $2 THEN '2026-02-10T08:00:00Z'::timestamptz ELSE '2026-03-10T08:00:00Z'::timestamptz END AS at
           FROM follow_up WHERE client_id = $3) v
         WHERE follow_up.id = v.id`,
        [tasks.requested, tasks.completed, full],
      );
      const q = (v: string) =>
        fhirGet(`/fhir/Task?patient=${full}&_lastUpdated=${encodeURIComponent(v)}`).expect(200);
      expect(ids((await q('2026-02-10')).body)).toEqual([tasks.completed]);
      expect(sorted(ids((await q('ge2026-02')).body))).toEqual(
        sorted([tasks.completed, tasks.cancelled]),
      );
      expect(ids((await q('lt2026-02-10T08:00:00Z')).body)).toEqual([tasks.requested]);
      expect(sorted(ids((await q('gt2026-01-10T08:00:00Z')).body))).toEqual(
        sorted([tasks.completed, tasks.cancelled]),
      );
      const both = await fhirGet(
        `/fhir/Task?patient=${full}&_lastUpdated=ge2026-02-01&_lastUpdated=lt2026-03-01`,
      ).expect(200);
      expectValidFhir(both.body);
      expect(ids(both.body)).toEqual([tasks.completed]);
      expect(both.body.entry[0].resource.meta.lastUpdated).toBe('2026-02-10T08:00:00.000Z');
      const bad = await fhirGet(`/fhir/Task?_lastUpdated=yesterday`).expect(400);
      expectValidFhir(bad.body);
    });
  });

  describe('BARC-10', () => {
    it('should give the items, the total and the remission interpretation of each administration', async () => {
      const [high, low] = records[full].Observation;
      const obs = (await fhirGet(`/fhir/Observation?_id=${high},${low}`).expect(200))
        .body as Bundle<Observation>;
      expectValidFhir(obs);
      const byId = new Map(obs.entry?.map((e) => [e.resource?.id, e.resource as Observation]));
      expect(byId.get(high)).toMatchObject({
        valueInteger: 47,
        interpretation: [{ coding: [{ code: 'at-or-above-remission-threshold' }] }],
        derivedFrom: [{ reference: `QuestionnaireResponse/${high}` }],
      });
      expect(byId.get(high)?.component).toHaveLength(10);
      expect(byId.get(low)).toMatchObject({
        valueInteger: 40,
        interpretation: [{ coding: [{ code: 'below-remission-threshold' }] }],
      });
      const qr = (await fhirGet(`/fhir/QuestionnaireResponse/${high}`).expect(200))
        .body as QuestionnaireResponse;
      expectValidFhir(qr);
      expect(qr.item?.map((i) => i.answer?.[0].valueInteger)).toEqual([
        5, 5, 5, 5, 5, 5, 5, 5, 4, 3, 47,
      ]);
    });
  });

  describe('paging', () => {
    it('should page a Goal search through Bundle.link next, without a total until the last page is reached', async () => {
      const first = await fhirGet(`/fhir/Goal?patient=${full}&_count=2`).expect(200);
      expectValidFhir(first.body);
      expect(first.body.entry).toHaveLength(2);
      expect(first.body.total).toBeUndefined();
      const next = (first.body as Bundle).link?.find((l) => l.relation === 'next')?.url;
      expect(next).toBeDefined();
      const second = await fhirGet(
        new URL(next as string).pathname + new URL(next as string).search,
      ).expect(200);
      expectValidFhir(second.body);
      expect(second.body.entry).toHaveLength(1);
      expect((second.body as Bundle).link?.some((l) => l.relation === 'next')).toBe(false);
      expect(sorted([...ids(first.body), ...ids(second.body)])).toEqual(sorted(records[full].Goal));
    });

    it('should answer 400 for _count above 100', async () => {
      const res = await fhirGet(`/fhir/Task?_count=101`).expect(400);
      expectValidFhir(res.body);
    });
  });

  describe('consent in force', () => {
    it('should stop disclosing every clinical type at once when the consent is revoked', async () => {
      const clientId = await createFhirClient(t.app, org.peerA1);
      const consentId = await createConsent(t.app, org.peerA1, clientId, ehr.id, {
        categories: ['plans-goals', 'follow-ups', 'assessments', 'session-notes'],
      });
      const mine = await seedRecords(clientId);
      for (const type of CLINICAL_TYPES) {
        await fhirGet(`/fhir/${type}/${mine[type][0]}`).expect(200);
      }
      await revokeConsent(t.app, org.peerA1, clientId, consentId);
      for (const type of CLINICAL_TYPES) {
        await fhirGet(`/fhir/${type}/${mine[type][0]}`).expect(404);
        const search = await fhirGet(`/fhir/${type}?patient=${clientId}`).expect(200);
        expect(search.body.entry ?? []).toEqual([]);
      }
    });

    it("should show another organization's API client nothing, whatever its scopes", async () => {
      const otherOrg = await createTestOrg(t.app);
      const stranger = await createApiClient(t.app, otherOrg);
      // Even a consent row naming it (which the consents API would refuse) discloses nothing
      // across organizations.
      await t.dataSource.query(
        `INSERT INTO consent (organization_id, client_id, recipient_id, purposes, categories, effective_at,
           expires_at, signed_at, signature_method)
         VALUES ($1, $2, $3, ARRAY['treatment'], ARRAY['plans-goals', 'follow-ups', 'assessments', 'session-notes'],
           now() - interval '1 day', now() + interval '1 year', now() - interval '1 day', 'written')`,
        [org.id, full, stranger.id],
      );
      for (const type of CLINICAL_TYPES) {
        await fhirGet(`/fhir/${type}/${records[full][type][0]}`, stranger.token).expect(404);
        const search = await fhirGet(`/fhir/${type}?patient=${full}`, stranger.token).expect(200);
        expectValidFhir(search.body);
        expect(search.body.entry ?? []).toEqual([]);
      }
    });
  });

  describe('Consent', () => {
    it('should list in provision.class the clinical types each covered category discloses, once each', async () => {
      const partialConsent = await fhirGet(`/fhir/Consent?patient=${partial}`).expect(200);
      const fullConsent = await fhirGet(`/fhir/Consent?patient=${full}`).expect(200);
      const classes = (b: Bundle) =>
        (b.entry?.[0]?.resource as Consent).provision?.class?.map((c) => c.code);
      expectValidFhir(partialConsent.body);
      expect(classes(partialConsent.body)).toEqual(['Patient', 'Task', 'Encounter']);
      expect(classes(fullConsent.body)).toEqual([
        'Patient',
        'CarePlan',
        'Goal',
        'Task',
        'Encounter',
        'QuestionnaireResponse',
        'Observation',
      ]);
    });
  });

  describe('statements', () => {
    it.each([
      ['CarePlan', 'recovery_plan', '&_include=CarePlan:patient'],
      ['Goal', 'goal', '&_include=Goal:patient'],
      ['Encounter', 'session_note', ''],
      ['Task', 'follow_up', '&_include=Task:patient'],
      ['QuestionnaireResponse', 'assessment', ''],
      ['Observation', 'assessment', ''],
    ])(
      'should answer a %s search over several clients in one statement for its rows, whatever their number',
      async (type, table, include) => {
        let res!: request.Response;
        const sent = await captureStatements(async () => {
          res = await fhirGet(`/fhir/${type}?_count=100${include}`).expect(200);
        });
        // The API client's token check runs only when its cached answer expired: left out.
        const statements = sent
          .map((s) => s.text)
          .filter((sql) => !/FROM api_client WHERE id = \$1$/.test(sql));
        expect(res.body.entry.length).toBeGreaterThan(1);
        expect(statements.filter((s) => new RegExp(`FROM ${table} r\\b`).test(s))).toHaveLength(1);
        expect(statements.filter((s) => /INSERT INTO disclosure/.test(s))).toHaveLength(1);
        expect(statements.length).toBeLessThanOrEqual(include ? 3 : 2);
      },
    );
  });

  describe('an EHR with fhir-kit-client', () => {
    it('should search Tasks with their Patient, follow next links and read each Task, as an integration does', async () => {
      await t.app.listen(0, '127.0.0.1');
      const address = t.app.getHttpServer().address() as { port: number };
      const { stdout } = await promisify(execFile)(process.execPath, [
        join(__dirname, '../fhir-ehr/ehr-client.mjs'),
        `http://127.0.0.1:${address.port}/fhir`,
        ehr.token,
        '2',
        'Task',
        JSON.stringify({ patient: `Patient/${full}`, _include: 'Task:patient' }),
      ]);
      const out = JSON.parse(stdout) as { pages: Bundle[]; reads: Resource[]; error: unknown };
      expect(out.error).toBeNull();
      expect(out.pages).toHaveLength(2);
      for (const page of out.pages) {
        expectValidFhir(page);
        expect(
          page.entry?.filter((e) => e.search?.mode === 'include').map((e) => e.resource?.id),
        ).toEqual([full]);
      }
      expect(sorted(out.reads.map((r) => r.id))).toEqual(sorted(records[full].Task));
      for (const r of out.reads) {
        expectValidFhir(r);
        expectPart2(r);
      }
    });
  });

  describe('who may call', () => {
    it('should answer 401 without a token and 403 for staff', async () => {
      for (const type of CLINICAL_TYPES) {
        const anonymous = await http().get(`/fhir/${type}`).expect(401);
        expectValidFhir(anonymous.body);
        await fhirGet(`/fhir/${type}/${records[full][type][0]}`, org.admin.token).expect(403);
      }
    });

    it("should answer 403 for an API client without the type's scope", async () => {
      const patientsOnly = await createApiClient(t.app, org, ['system/Patient.read']);
      await createConsent(t.app, org.peerA1, full, patientsOnly.id, {
        categories: ['demographics', 'plans-goals', 'follow-ups', 'assessments', 'session-notes'],
      });
      for (const type of CLINICAL_TYPES) {
        const res = await fhirGet(`/fhir/${type}?patient=${full}`, patientsOnly.token).expect(403);
        expectValidFhir(res.body);
      }
    });
  });
});
