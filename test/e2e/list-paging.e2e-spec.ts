import { randomUUID } from 'node:crypto';

import request from 'supertest';

import { createCoverage } from '../factories/client.factory';
import { TestUser } from '../factories/people.factory';
import { createGoal, createPlan } from '../factories/recovery-plan.factory';
import { ApiWorld, buildApiWorld, fixturePathId } from '../helpers/api-world';
import { bearer } from '../helpers/http';
import { loadOpenApi, OpenApiDocument, Schema } from '../helpers/openapi-contract';
import { problem } from '../helpers/problem';
import { createTestApp, TestApp } from '../setup/create-test-app';

/** Reads that return `items` but are one report, not a list: no `limit`, no `cursor`. */
const NOT_PAGED = [
  '/api/v1/reports/follow-up-rates',
  '/api/v1/reports/referrals',
  '/api/v1/reports/retention',
];

const doc: OpenApiDocument = loadOpenApi();

function responseSchema(path: string): Schema | undefined {
  const schema = doc.paths[path].get?.responses?.['200']?.content?.['application/json']?.schema;
  const ref: string | undefined = schema?.$ref;
  return ref ? doc.components.schemas[ref.split('/').pop() as string] : schema;
}

/** Every GET of the document whose JSON answer holds `items` (SPEC 1: a list). */
const LIST_PATHS = Object.keys(doc.paths)
  .filter((path) => responseSchema(path)?.properties?.items)
  .sort();
const PAGED_PATHS = LIST_PATHS.filter((path) => !NOT_PAGED.includes(path));

const LIMIT_TOO_HIGH = problem(400, 'VALIDATION_FAILED', 'The request is invalid.', [
  { field: 'limit', message: 'limit must not be greater than 100' },
]);

const keyOf = (item: Record<string, unknown>): string =>
  String(item.id ?? item.specialistId ?? JSON.stringify(item));

/**
 * SPEC 1: every list takes `?limit=` (max 100, above → 400) and `?cursor=`. Walks every list route
 * of openapi.yaml with a world holding at least two rows of each, so a route that ignores `limit`
 * or whose cursor does not continue fails here.
 */
describe('every list pages (SPEC 1)', () => {
  let t: TestApp;
  let w: ApiWorld;
  const http = () => request(t.app.getHttpServer());

  beforeAll(async () => {
    t = await createTestApp();
    w = await buildApiWorld(t.app);
    const ds = t.dataSource;
    const { org } = w;
    const post = async (user: TestUser, url: string, body: object) => {
      const res = await http().post(url).auth(user.token, bearer).send(body);
      if (res.status !== 201) throw new Error(`POST ${url} answered ${res.status}: ${res.text}`);
    };
    // A second row of every list the world holds only one of.
    await ds.query(
      `INSERT INTO notification (organization_id, recipient_id, kind, dedupe_key)
       SELECT $1, u, 'test.fixture', 'fixture-' || gen_random_uuid() FROM unnest($2::uuid[]) u`,
      [org.id, [org.admin.id, org.supervisorA.id, org.peerA1.id]],
    );
    await createPlan(ds, { id: w.clientId, organizationId: org.id });
    await createGoal(ds, { id: w.planId });
    await post(org.peerA1, `/api/v1/clients/${w.clientId}/assessments`, {
      instrument: 'BARC-10',
      answers: [3, 3, 4, 3, 5, 4, 4, 5, 3, 4],
    });
    await ds.query(
      `INSERT INTO client_assignment (client_id, specialist_id, started_at, ended_at)
       VALUES ($1, $2, now() - interval '20 days', now() - interval '19 days')`,
      [w.spareClientId, org.peerA2.id],
    );
    await createCoverage(ds, {
      clientId: w.spareClientId,
      specialistId: org.peerA2.id,
      startsAt: new Date(Date.now() - 86_400_000),
      endsAt: new Date(Date.now() + 86_400_000),
    });
    await post(org.peerA1, '/api/v1/group-sessions', {
      topic: 'Second group',
      startedAt: new Date(Date.now() - 5 * 3600_000).toISOString(),
      endedAt: new Date(Date.now() - 4 * 3600_000).toISOString(),
      attendees: [{ clientId: w.clientId, participation: 'Listened.' }],
    });
    await post(org.peerA1, `/api/v1/clients/${w.clientId}/consents`, {
      recipientId: w.spareApiClientId,
      purposes: ['treatment'],
      categories: ['demographics'],
      expiresAt: new Date(Date.now() + 30 * 86_400_000).toISOString(),
      signedAt: new Date(Date.now() - 3600_000).toISOString(),
      signatureMethod: 'written',
    });
    await post(org.admin, '/api/v1/teams', { name: `Paging ${randomUUID()}` });
    // The relapse-prevention plan's second version (the world wrote the first).
    const plan = await http()
      .get(`/api/v1/clients/${w.clientId}/relapse-prevention-plan`)
      .auth(org.peerA1.token, bearer);
    const put = await http()
      .put(`/api/v1/clients/${w.clientId}/relapse-prevention-plan`)
      .set('If-Match', String(plan.headers.etag))
      .auth(org.peerA1.token, bearer)
      .send({ triggers: ['Payday weekends'] });
    if (put.status !== 200) throw new Error(`PUT relapse plan answered ${put.status}: ${put.text}`);
    // A second resource, and the client's referral to it.
    const resource = await http()
      .post('/api/v1/resources')
      .auth(org.supervisorA.token, bearer)
      .send({ name: 'Second resource', categories: ['employment'] })
      .expect(201);
    await post(org.peerA1, `/api/v1/clients/${w.clientId}/referrals-out`, {
      resourceId: resource.body.id,
      need: 'employment',
      reason: 'Paging fixture',
    });
    await post(org.admin, '/api/v1/webhooks', {
      url: 'https://receiver.example/second',
      events: ['client.discharged'],
    });
    // Two disclosures of the client under its consent, and two deliveries of the world's webhook.
    for (const days of [1, 2]) {
      await ds.query(
        `INSERT INTO disclosure (organization_id, recipient_id, client_id, consent_id, purpose, resources, disclosed_at)
         SELECT organization_id, recipient_id, client_id, id, 'treatment', '[{"type":"Patient"}]',
                now() - make_interval(days => $2)
           FROM consent WHERE id = $1`,
        [w.consentId, days],
      );
      await ds.query(
        `INSERT INTO webhook_delivery (organization_id, webhook_id, event_type, payload, status, created_at)
         VALUES ($1, $2, 'client.discharged', '{}', 'failed', now() - make_interval(days => $3))`,
        [org.id, w.webhookId, days],
      );
    }
  });
  afterAll(() => t.close());

  /** The path with its parameters filled, and the first role that may read it. */
  const target = async (path: string): Promise<{ url: string; user: TestUser }> => {
    const { org } = w;
    for (const user of [org.peerA1, org.supervisorA, org.admin]) {
      const url = path.replace(/\{(\w+)\}/g, (_m, name: string) =>
        fixturePathId(w, path, name, user.id),
      );
      const res = await http().get(url).auth(user.token, bearer);
      if (res.status === 200) return { url, user };
    }
    throw new Error(`No role of the world may read ${path}`);
  };

  it('should find the lists of the document, every one paged but the reports', () => {
    expect(PAGED_PATHS).toEqual(expect.arrayContaining(['/api/v1/teams', '/api/v1/clients']));
    expect(LIST_PATHS.filter((p) => NOT_PAGED.includes(p))).toEqual(NOT_PAGED);
    for (const path of PAGED_PATHS) {
      const names = (doc.paths[path].get.parameters ?? []).map((p: { name: string }) => p.name);
      expect({ path, limit: names.includes('limit'), cursor: names.includes('cursor') }).toEqual({
        path,
        limit: true,
        cursor: true,
      });
      expect({ path, nextCursor: !!responseSchema(path)?.properties?.nextCursor }).toEqual({
        path,
        nextCursor: true,
      });
    }
  });

  describe.each(PAGED_PATHS)('GET %s', (path) => {
    it('should answer limit=101 with the 400 every list gives', async () => {
      const { url, user } = await target(path);
      const res = await http().get(url).query({ limit: 101 }).auth(user.token, bearer).expect(400);
      expect(res.body).toEqual(LIMIT_TOO_HIGH);
    });

    it('should honour limit and continue through nextCursor', async () => {
      const { url, user } = await target(path);
      const all = await http().get(url).query({ limit: 100 }).auth(user.token, bearer).expect(200);
      const expected = (all.body.items as Record<string, unknown>[]).map(keyOf);
      expect(expected.length).toBeGreaterThanOrEqual(2);
      const walked: string[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < Math.min(3, expected.length); page++) {
        const res = await http()
          .get(url)
          .query(cursor ? { limit: 1, cursor } : { limit: 1 })
          .auth(user.token, bearer)
          .expect(200);
        expect(res.body.items).toHaveLength(1);
        walked.push(keyOf(res.body.items[0]));
        cursor = res.body.nextCursor;
        if (page < expected.length - 1) expect(cursor).toEqual(expect.any(String));
      }
      expect(walked).toEqual(expected.slice(0, walked.length));
    });
  });
});
