import { randomUUID } from 'node:crypto';

import request from 'supertest';

import { createTestOrg, TestOrg } from '../factories/people.factory';
import { countAuditEvents } from '../helpers/audit';
import {
  createApiClient,
  createConsent,
  createFhirClient,
  TestApiClient,
} from '../helpers/fhir-world';
import { bearer } from '../helpers/http';
import { INVALID_CURSOR, problem } from '../helpers/problem';
import { createTestApp, TestApp } from '../setup/create-test-app';

describe('GET /api/v1/clients/:id/disclosures (e2e)', () => {
  let t: TestApp;
  let org: TestOrg;
  let ehr: TestApiClient;
  let clientId: string;
  let consentId: string;
  const correlationIds: string[] = [];
  const http = () => request(t.app.getHttpServer());
  const list = (token: string, query = '') =>
    http().get(`/api/v1/clients/${clientId}/disclosures${query}`).auth(token, bearer);

  beforeAll(async () => {
    t = await createTestApp();
    org = await createTestOrg(t.app);
    ehr = await createApiClient(t.app, org);
    clientId = await createFhirClient(t.app, org.peerA1);
    consentId = await createConsent(t.app, org.peerA1, clientId, ehr.id);
    // Three disclosures: two reads and a search.
    for (const path of [
      `/fhir/Patient/${clientId}`,
      '/fhir/Patient',
      `/fhir/Patient/${clientId}`,
    ]) {
      const res = await http().get(path).auth(ehr.token, bearer).expect(200);
      correlationIds.push(res.headers['x-correlation-id'] as string);
    }
  });
  afterAll(() => t.close());

  it('should answer 401 without a token', async () => {
    await http().get(`/api/v1/clients/${clientId}/disclosures`).expect(401);
  });

  it('should answer 403 to an API client (never the staff endpoints)', async () => {
    const res = await list(ehr.token).expect(403);
    expect(res.body.code).toBe('FORBIDDEN');
  });

  it("should answer 404 to staff who may not read the client, and for a client that doesn't exist", async () => {
    for (const user of [org.peerB1, org.supervisorB, org.peerA2]) {
      expect((await list(user.token).expect(404)).body).toEqual(
        problem(404, 'NOT_FOUND', 'Client not found.'),
      );
    }
    await http()
      .get(`/api/v1/clients/${randomUUID()}/disclosures`)
      .auth(org.admin.token, bearer)
      .expect(404);
  });

  it('should answer 400 with the exact body for a bad limit or cursor', async () => {
    expect((await list(org.peerA1.token, '?limit=101').expect(400)).body).toEqual(
      problem(400, 'VALIDATION_FAILED', 'The request is invalid.', [
        { field: 'limit', message: 'limit must not be greater than 100' },
      ]),
    );
    expect((await list(org.peerA1.token, '?cursor=abc.def').expect(400)).body).toEqual(
      INVALID_CURSOR,
    );
    const page = await list(org.peerA1.token, '?limit=1').expect(200);
    // Another caller's cursor is refused.
    expect(
      (await list(org.admin.token, `?cursor=${page.body.nextCursor}`).expect(400)).body,
    ).toEqual(INVALID_CURSOR);
  });

  it('should list the disclosures newest first, paged, as stored, and audit the read', async () => {
    const stored = await t.dataSource.query(
      `SELECT id, recipient_id, purpose, consent_id, resources, disclosed_at, correlation_id
       FROM disclosure WHERE client_id = $1 ORDER BY disclosed_at DESC, id DESC`,
      [clientId],
    );
    expect(stored.map((r: { correlation_id: string }) => r.correlation_id)).toEqual(
      [...correlationIds].reverse(),
    );
    const expected = stored.map((r: Record<string, unknown>) => ({
      id: r.id,
      recipientId: ehr.id,
      purpose: 'treatment',
      consentId,
      resources: [{ type: 'Patient', id: clientId }],
      disclosedAt: (r.disclosed_at as Date).toISOString(),
      correlationId: r.correlation_id,
    }));
    const before = await countAuditEvents(t.dataSource, {
      action: 'disclosure.list',
      clientId,
      actorId: org.peerA1.id,
    });
    const first = await list(org.peerA1.token, '?limit=2').expect(200);
    expect(first.body.items).toEqual(expected.slice(0, 2));
    const second = await list(org.peerA1.token, `?limit=2&cursor=${first.body.nextCursor}`).expect(
      200,
    );
    expect(second.body).toEqual({ items: expected.slice(2), nextCursor: null });
    expect(
      await countAuditEvents(t.dataSource, {
        action: 'disclosure.list',
        clientId,
        actorId: org.peerA1.id,
      }),
    ).toBe(before + 2);
  });

  it("should let the client's supervisor and the organization's admin read them", async () => {
    for (const user of [org.supervisorA, org.admin]) {
      const res = await list(user.token).expect(200);
      expect(res.body.items).toHaveLength(3);
    }
  });
});
