import { randomUUID } from 'node:crypto';

import request from 'supertest';

import { createClient, createCoverage } from '../factories/client.factory';
import { createTestOrg, TestOrg, TestUser } from '../factories/people.factory';
import { createPlan } from '../factories/recovery-plan.factory';
import { problem } from '../helpers/problem';
import { createTestApp, TestApp } from '../setup/create-test-app';

const addDays = (date: string, days: number) => {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
};
const today = () => new Date().toISOString().slice(0, 10);
const AGREEMENT = { agreedOn: '2026-01-10', method: 'signed' };

interface TestClient {
  id: string;
  organizationId: string;
}

describe('recovery plans (e2e)', () => {
  let t: TestApp;
  let org: TestOrg;
  let mine: TestClient; // peerA1's client
  let theirs: TestClient; // peerB1's client
  const http = () => request(t.app.getHttpServer());
  const as = (u: TestUser) => ({ Authorization: `Bearer ${u.token}` });

  beforeAll(async () => {
    t = await createTestApp();
    org = await createTestOrg(t.app);
    mine = await clientOf(org.peerA1);
    theirs = await clientOf(org.peerB1);
  });
  afterAll(() => t.close());

  const clientOf = async (specialist: TestUser): Promise<TestClient> => ({
    id: await createClient(t.dataSource, { organizationId: org.id, specialistId: specialist.id }),
    organizationId: org.id,
  });
  const newClient = () => clientOf(org.peerA1);
  const auditRows = (actorId: string, action: string) =>
    t.dataSource.query(
      `SELECT action, client_id, resource_type, resource_id, outcome FROM audit_event WHERE actor_id = $1 AND action = $2`,
      [actorId, action],
    );

  describe('POST /api/v1/clients/:id/recovery-plans', () => {
    const url = (clientId: string) => `/api/v1/clients/${clientId}/recovery-plans`;

    it('should answer 401 without a token', async () => {
      await http().post(url(mine.id)).send({ title: 'x' }).expect(401);
    });

    it('should answer 403 for an admin, who never reads clinical narratives', async () => {
      const res = await http()
        .post(url(mine.id))
        .set(as(org.admin))
        .send({ title: 'x' })
        .expect(403);
      expect(res.body).toEqual(problem(403, 'FORBIDDEN', 'Your role may not perform this action.'));
    });

    it('should answer 404 for a client outside the caller’s scope, exactly as for none, and create nothing', async () => {
      const out = await http()
        .post(url(theirs.id))
        .set(as(org.peerA1))
        .send({ title: 'x' })
        .expect(404);
      const none = await http()
        .post(url(randomUUID()))
        .set(as(org.peerA1))
        .send({ title: 'x' })
        .expect(404);
      expect(out.body).toEqual(problem(404, 'NOT_FOUND', 'Client not found.'));
      expect(none.body).toEqual(problem(404, 'NOT_FOUND', 'Client not found.'));
      const rows = await t.dataSource.query(`SELECT 1 FROM recovery_plan WHERE client_id = $1`, [
        theirs.id,
      ]);
      expect(rows).toEqual([]);
    });

    it('should answer 400 with the exact errors', async () => {
      const res = await http()
        .post(url(mine.id))
        .set(as(org.peerA1))
        .send({
          title: '',
          status: 'completed',
          startDate: '2026-02-30',
          strengths: 'brave',
          clientAgreement: { agreedOn: 'yesterday', method: 'fax' },
          clientId: theirs.id,
        })
        .expect(400);
      expect(res.body).toEqual(
        problem(400, 'VALIDATION_FAILED', 'The request is invalid.', [
          { field: 'clientAgreement.agreedOn', message: 'agreedOn must be a date (YYYY-MM-DD)' },
          {
            field: 'clientAgreement.method',
            message: 'method must be one of the following values: verbal, signed, electronic',
          },
          { field: 'clientId', message: 'property clientId should not exist' },
          { field: 'startDate', message: 'startDate must be a date (YYYY-MM-DD)' },
          { field: 'status', message: 'status must be one of the following values: draft, active' },
          { field: 'strengths', message: 'strengths must be an array' },
          { field: 'title', message: 'title must be longer than or equal to 1 characters' },
        ]),
      );
    });

    it('should answer 400 when the period ends before it starts', async () => {
      const res = await http()
        .post(url(mine.id))
        .set(as(org.peerA1))
        .send({
          title: 'x',
          startDate: '2026-03-01',
          endDate: '2026-02-01',
          reviewDueAt: '2026-01-01',
        })
        .expect(400);
      expect(res.body.errors).toEqual([
        { field: 'endDate', message: 'endDate must not be before startDate' },
        { field: 'reviewDueAt', message: 'reviewDueAt must not be before startDate' },
      ]);
    });

    it('should create a draft with a review due 90 days after today, store it and audit it', async () => {
      const client = await newClient();
      const res = await http()
        .post(url(client.id))
        .set(as(org.peerA1))
        .send({ title: 'Steady ground', strengths: ['Humour'], barriers: ['No phone'] })
        .expect(201);
      expect(res.body).toEqual({
        id: expect.any(String),
        clientId: client.id,
        title: 'Steady ground',
        status: 'draft',
        startDate: today(),
        endDate: null,
        reviewDueAt: addDays(today(), 90),
        strengths: ['Humour'],
        barriers: ['No phone'],
        clientAgreement: null,
        createdById: org.peerA1.id,
        version: 1,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
      expect(res.headers.etag).toBe('"1"');
      const [row] = await t.dataSource.query(
        `SELECT organization_id, client_id, status, strengths, barriers, to_char(review_due_at, 'YYYY-MM-DD') AS review
         FROM recovery_plan WHERE id = $1`,
        [res.body.id],
      );
      expect(row).toEqual({
        organization_id: org.id,
        client_id: client.id,
        status: 'draft',
        strengths: ['Humour'],
        barriers: ['No phone'],
        review: addDays(today(), 90),
      });
      expect(await auditRows(org.peerA1.id, 'recovery-plan.create')).toContainEqual({
        action: 'recovery-plan.create',
        client_id: client.id,
        resource_type: 'RecoveryPlan',
        resource_id: res.body.id,
        outcome: 'success',
      });
    });

    it('should let the supervisor and a covering peer create plans', async () => {
      const client = await newClient();
      await http()
        .post(url(client.id))
        .set(as(org.supervisorA))
        .send({ title: 'By supervisor' })
        .expect(201);
      await http().post(url(client.id)).set(as(org.peerA2)).send({ title: 'x' }).expect(404);
      await createCoverage(t.dataSource, {
        clientId: client.id,
        specialistId: org.peerA2.id,
        endsAt: new Date(Date.now() + 86_400_000),
      });
      await http().post(url(client.id)).set(as(org.peerA2)).send({ title: 'By cover' }).expect(201);
      await http().post(url(client.id)).set(as(org.supervisorB)).send({ title: 'x' }).expect(404);
    });

    it('should refuse an active plan without the client’s agreement (422)', async () => {
      const res = await http()
        .post(url(mine.id))
        .set(as(org.peerA1))
        .send({ title: 'x', status: 'active' })
        .expect(422);
      expect(res.body).toEqual(
        problem(
          422,
          'PLAN_AGREEMENT_REQUIRED',
          "A recovery plan can be active only once the client's agreement is recorded.",
        ),
      );
    });

    it('should create an active plan with agreement and refuse a second active one (409)', async () => {
      const client = await newClient();
      const body = {
        title: 'Plan',
        status: 'active',
        startDate: '2026-01-10',
        clientAgreement: AGREEMENT,
      };
      const first = await http().post(url(client.id)).set(as(org.peerA1)).send(body).expect(201);
      expect(first.body).toMatchObject({
        status: 'active',
        clientAgreement: AGREEMENT,
        reviewDueAt: '2026-04-10',
      });
      const second = await http().post(url(client.id)).set(as(org.peerA1)).send(body).expect(409);
      expect(second.body).toEqual({
        ...problem(409, 'ACTIVE_PLAN_EXISTS', 'The client already has an active recovery plan.'),
        activePlanId: first.body.id,
      });
      const rows = await t.dataSource.query(
        `SELECT count(*)::int AS n FROM recovery_plan WHERE client_id = $1`,
        [client.id],
      );
      expect(rows[0].n).toBe(1);
    });

    it('should replay the first response for the same Idempotency-Key', async () => {
      const client = await newClient();
      const key = randomUUID();
      const send = () =>
        http()
          .post(url(client.id))
          .set(as(org.peerA1))
          .set('Idempotency-Key', key)
          .send({ title: 'Once' });
      const first = await send().expect(201);
      const again = await send().expect(201);
      expect(again.body).toEqual(first.body);
      const rows = await t.dataSource.query(
        `SELECT count(*)::int AS n FROM recovery_plan WHERE client_id = $1`,
        [client.id],
      );
      expect(rows[0].n).toBe(1);
    });
  });

  describe('GET /api/v1/clients/:id/recovery-plans', () => {
    const url = (clientId: string) => `/api/v1/clients/${clientId}/recovery-plans`;

    it('should answer 401 without a token', async () => {
      await http().get(url(mine.id)).expect(401);
    });

    it('should answer 403 for an admin', async () => {
      await http().get(url(mine.id)).set(as(org.admin)).expect(403);
    });

    it('should answer 404 for a client outside scope', async () => {
      const res = await http().get(url(theirs.id)).set(as(org.peerA1)).expect(404);
      expect(res.body).toEqual(problem(404, 'NOT_FOUND', 'Client not found.'));
    });

    it('should answer 400 above the maximum page size or for an unknown status', async () => {
      const res = await http()
        .get(`${url(mine.id)}?limit=101&status=done`)
        .set(as(org.peerA1))
        .expect(400);
      expect(res.body.errors).toEqual([
        { field: 'limit', message: 'limit must not be greater than 100' },
        {
          field: 'status',
          message:
            'status must be one of the following values: draft, active, on-hold, completed, revoked',
        },
      ]);
    });

    it('should page newest first, filter by status, and audit the read', async () => {
      const client = await newClient();
      const a = await createPlan(t.dataSource, client, {
        title: 'A',
        status: 'revoked',
        createdAt: new Date(Date.UTC(2026, 0, 1)),
      });
      const b = await createPlan(t.dataSource, client, {
        title: 'B',
        createdAt: new Date(Date.UTC(2026, 0, 2)),
      });
      const c = await createPlan(t.dataSource, client, {
        title: 'C',
        status: 'active',
        createdAt: new Date(Date.UTC(2026, 0, 3)),
      });
      const page1 = await http()
        .get(`${url(client.id)}?limit=2`)
        .set(as(org.supervisorA))
        .expect(200);
      expect(page1.body.items.map((p: { id: string }) => p.id)).toEqual([c.id, b.id]);
      const page2 = await http()
        .get(`${url(client.id)}?limit=2&cursor=${page1.body.nextCursor}`)
        .set(as(org.supervisorA))
        .expect(200);
      expect(page2.body).toEqual({
        items: [expect.objectContaining({ id: a.id, status: 'revoked' })],
        nextCursor: null,
      });
      const active = await http()
        .get(`${url(client.id)}?status=active`)
        .set(as(org.peerA1))
        .expect(200);
      expect(active.body.items.map((p: { id: string }) => p.id)).toEqual([c.id]);
      expect(await auditRows(org.supervisorA.id, 'recovery-plan.list')).toContainEqual({
        action: 'recovery-plan.list',
        client_id: client.id,
        resource_type: 'RecoveryPlan',
        resource_id: null,
        outcome: 'success',
      });
    });
  });

  describe('GET /api/v1/recovery-plans/:id', () => {
    it('should answer 401 without a token', async () => {
      const plan = await createPlan(t.dataSource, mine);
      await http().get(`/api/v1/recovery-plans/${plan.id}`).expect(401);
    });

    it('should answer 403 for an admin: strengths and barriers are clinical narratives', async () => {
      const plan = await createPlan(t.dataSource, mine);
      const res = await http()
        .get(`/api/v1/recovery-plans/${plan.id}`)
        .set(as(org.admin))
        .expect(403);
      expect(res.body.code).toBe('FORBIDDEN');
    });

    it('should answer 404 for another specialist’s client’s plan, exactly as for none, and audit the denial', async () => {
      const plan = await createPlan(t.dataSource, theirs);
      const out = await http()
        .get(`/api/v1/recovery-plans/${plan.id}`)
        .set(as(org.peerA1))
        .expect(404);
      const none = await http()
        .get(`/api/v1/recovery-plans/${randomUUID()}`)
        .set(as(org.peerA1))
        .expect(404);
      expect(out.body).toEqual(problem(404, 'NOT_FOUND', 'Recovery plan not found.'));
      expect(none.body).toEqual(problem(404, 'NOT_FOUND', 'Recovery plan not found.'));
      const denied = await t.dataSource.query(
        `SELECT outcome FROM audit_event WHERE actor_id = $1 AND action = 'client.access' AND resource_id = $2`,
        [org.peerA1.id, theirs.id],
      );
      expect(denied).toContainEqual({ outcome: 'denied' });
    });

    it('should answer 400 for an id that is not a UUID', async () => {
      const res = await http().get('/api/v1/recovery-plans/nope').set(as(org.peerA1)).expect(400);
      expect(res.body.errors).toEqual([{ field: 'id', message: 'id must be a UUID' }]);
    });

    it('should answer the plan with its ETag and audit the read', async () => {
      const plan = await createPlan(t.dataSource, mine, { status: 'active' });
      const res = await http()
        .get(`/api/v1/recovery-plans/${plan.id}`)
        .set(as(org.peerA1))
        .expect(200);
      expect(res.body).toMatchObject({
        id: plan.id,
        clientId: mine.id,
        status: 'active',
        strengths: ['Keeps appointments'],
        barriers: ['No car'],
        clientAgreement: { agreedOn: '2026-01-05', method: 'verbal' },
        version: 1,
      });
      expect(res.headers.etag).toBe('"1"');
      expect(await auditRows(org.peerA1.id, 'recovery-plan.read')).toContainEqual({
        action: 'recovery-plan.read',
        client_id: mine.id,
        resource_type: 'RecoveryPlan',
        resource_id: plan.id,
        outcome: 'success',
      });
    });
  });

  describe('PATCH /api/v1/recovery-plans/:id', () => {
    const patch = (id: string, user: TestUser, body: object, version: number | null = 1) => {
      const req = http().patch(`/api/v1/recovery-plans/${id}`).set(as(user));
      return (version === null ? req : req.set('If-Match', `"${version}"`)).send(body);
    };

    it('should answer 401 without a token', async () => {
      const plan = await createPlan(t.dataSource, mine);
      await http()
        .patch(`/api/v1/recovery-plans/${plan.id}`)
        .set('If-Match', '"1"')
        .send({ title: 'x' })
        .expect(401);
    });

    it('should answer 403 for an admin', async () => {
      const plan = await createPlan(t.dataSource, mine);
      await patch(plan.id, org.admin, { title: 'x' }).expect(403);
    });

    it('should answer 428 without If-Match', async () => {
      const plan = await createPlan(t.dataSource, mine);
      const res = await patch(plan.id, org.peerA1, { title: 'x' }, null).expect(428);
      expect(res.body).toEqual(
        problem(428, 'PRECONDITION_REQUIRED', 'This update requires an If-Match header.'),
      );
    });

    it('should answer 404 for a plan of a client outside scope and change nothing', async () => {
      const plan = await createPlan(t.dataSource, theirs);
      const res = await patch(plan.id, org.peerA1, { title: 'Hijacked' }).expect(404);
      expect(res.body).toEqual(problem(404, 'NOT_FOUND', 'Recovery plan not found.'));
      const [row] = await t.dataSource.query(
        `SELECT title, version FROM recovery_plan WHERE id = $1`,
        [plan.id],
      );
      expect(row).toEqual({ title: 'Test plan', version: 1 });
    });

    it('should refuse to move a plan to another client (unknown field, 400)', async () => {
      const plan = await createPlan(t.dataSource, mine);
      const res = await patch(plan.id, org.peerA1, { clientId: theirs.id, title: null }).expect(
        400,
      );
      expect(res.body).toEqual(
        problem(400, 'VALIDATION_FAILED', 'The request is invalid.', [
          { field: 'clientId', message: 'property clientId should not exist' },
          { field: 'title', message: 'title must be a string' },
        ]),
      );
    });

    it('should answer 412 for a stale version', async () => {
      const plan = await createPlan(t.dataSource, mine);
      const res = await patch(plan.id, org.peerA1, { title: 'x' }, 7).expect(412);
      expect(res.body).toEqual(
        problem(
          412,
          'PRECONDITION_FAILED',
          'The record changed since you read it; reload and retry.',
        ),
      );
    });

    it('should refuse illegal transitions with 422', async () => {
      const draft = await createPlan(t.dataSource, mine);
      const res = await patch(draft.id, org.peerA1, { status: 'completed' }).expect(422);
      expect(res.body).toEqual({
        ...problem(
          422,
          'PLAN_TRANSITION_NOT_ALLOWED',
          'A recovery plan cannot move from draft to completed.',
        ),
        from: 'draft',
        to: 'completed',
      });
      const onHold = await createPlan(t.dataSource, await newClient(), {
        status: 'on-hold',
        agreed: true,
      });
      await patch(onHold.id, org.peerA1, { status: 'draft' }).expect(422);
    });

    it('should refuse any change to a completed or revoked plan', async () => {
      const done = await createPlan(t.dataSource, mine, { status: 'completed', agreed: true });
      const res = await patch(done.id, org.peerA1, { status: 'active' }).expect(422);
      expect(res.body).toEqual(
        problem(422, 'PLAN_CLOSED', 'A completed or revoked recovery plan cannot be changed.'),
      );
      const revoked = await createPlan(t.dataSource, mine, { status: 'revoked' });
      await patch(revoked.id, org.peerA1, { title: 'Rewritten' }).expect(422);
    });

    it('should require the client’s agreement to activate, and accept it in the same request', async () => {
      const client = await newClient();
      const plan = await createPlan(t.dataSource, client);
      const refused = await patch(plan.id, org.peerA1, { status: 'active' }).expect(422);
      expect(refused.body.code).toBe('PLAN_AGREEMENT_REQUIRED');
      const res = await patch(plan.id, org.peerA1, {
        status: 'active',
        clientAgreement: AGREEMENT,
      }).expect(200);
      expect(res.body).toMatchObject({ status: 'active', clientAgreement: AGREEMENT, version: 2 });
      expect(res.headers.etag).toBe('"2"');
      const [row] = await t.dataSource.query(
        `SELECT status, to_char(agreed_on, 'YYYY-MM-DD') AS agreed_on, agreement_method, version FROM recovery_plan WHERE id = $1`,
        [plan.id],
      );
      expect(row).toEqual({
        status: 'active',
        agreed_on: '2026-01-10',
        agreement_method: 'signed',
        version: 2,
      });
      expect(await auditRows(org.peerA1.id, 'recovery-plan.active')).toContainEqual(
        expect.objectContaining({ client_id: client.id, resource_id: plan.id }),
      );
    });

    it('should answer 409 when activating a second plan of the same client', async () => {
      const client = await newClient();
      const active = await createPlan(t.dataSource, client, { status: 'active' });
      const draft = await createPlan(t.dataSource, client, { agreed: true });
      const res = await patch(draft.id, org.peerA1, { status: 'active' }).expect(409);
      expect(res.body).toEqual({
        ...problem(409, 'ACTIVE_PLAN_EXISTS', 'The client already has an active recovery plan.'),
        activePlanId: active.id,
      });
      await patch(active.id, org.peerA1, { status: 'completed' }).expect(200);
      await patch(draft.id, org.peerA1, { status: 'active' }).expect(200);
    });

    it('should update fields and keep the dates consistent', async () => {
      const plan = await createPlan(t.dataSource, mine);
      const bad = await patch(plan.id, org.peerA1, { endDate: '2000-01-01' }).expect(400);
      expect(bad.body.errors).toEqual([
        { field: 'endDate', message: 'endDate must not be before startDate' },
      ]);
      const res = await patch(plan.id, org.peerA1, {
        barriers: [],
        reviewDueAt: '2099-01-01',
      }).expect(200);
      expect(res.body).toMatchObject({
        title: 'Test plan',
        barriers: [],
        strengths: ['Keeps appointments'],
        reviewDueAt: '2099-01-01',
      });
    });

    it('should let exactly one of 20 parallel updates with one ETag win', async () => {
      const plan = await createPlan(t.dataSource, mine);
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => patch(plan.id, org.peerA1, { title: `Title ${i}` })),
      );
      const statuses = results.map((r) => r.status);
      expect(statuses.filter((s) => s === 200)).toHaveLength(1);
      expect(statuses.filter((s) => s === 412)).toHaveLength(19);
      const winner = results.find((r) => r.status === 200)!;
      const [row] = await t.dataSource.query(
        `SELECT title, version FROM recovery_plan WHERE id = $1`,
        [plan.id],
      );
      expect(row).toEqual({ title: winner.body.title, version: 2 });
    });
  });
});
