import { randomUUID } from 'node:crypto';

import request from 'supertest';

import { createClient } from '../factories/client.factory';
import { createTestOrg, TestOrg, TestUser } from '../factories/people.factory';
import { createGoal, createPlan } from '../factories/recovery-plan.factory';
import { problem } from '../helpers/problem';
import { createTestApp, TestApp } from '../setup/create-test-app';

interface TestClient {
  id: string;
  organizationId: string;
}

describe('goals (e2e)', () => {
  let t: TestApp;
  let org: TestOrg;
  let mine: TestClient;
  let theirs: TestClient;
  let myPlan: { id: string };
  let theirPlan: { id: string };
  const http = () => request(t.app.getHttpServer());
  const as = (u: TestUser) => ({ Authorization: `Bearer ${u.token}` });
  const clientOf = async (specialist: TestUser): Promise<TestClient> => ({
    id: await createClient(t.dataSource, { organizationId: org.id, specialistId: specialist.id }),
    organizationId: org.id,
  });

  beforeAll(async () => {
    t = await createTestApp();
    org = await createTestOrg(t.app);
    mine = await clientOf(org.peerA1);
    theirs = await clientOf(org.peerB1);
    myPlan = await createPlan(t.dataSource, mine, { status: 'active' });
    theirPlan = await createPlan(t.dataSource, theirs, { status: 'active' });
  });
  afterAll(() => t.close());

  const goalBody = (over: object = {}) => ({
    description: 'Find a recovery meeting close to home',
    domain: 'community',
    targetDate: '2026-06-30',
    actionSteps: [{ text: 'Look up meetings' }, { text: 'Go once', done: true }],
    ...over,
  });

  describe('POST /api/v1/recovery-plans/:id/goals', () => {
    const url = (planId: string) => `/api/v1/recovery-plans/${planId}/goals`;

    it('should answer 401 without a token', async () => {
      await http().post(url(myPlan.id)).send(goalBody()).expect(401);
    });

    it('should answer 403 for an admin', async () => {
      const res = await http().post(url(myPlan.id)).set(as(org.admin)).send(goalBody()).expect(403);
      expect(res.body).toEqual(problem(403, 'FORBIDDEN', 'Your role may not perform this action.'));
    });

    it('should answer 404 for a plan of a client outside scope, exactly as for none, and create nothing', async () => {
      const out = await http()
        .post(url(theirPlan.id))
        .set(as(org.peerA1))
        .send(goalBody())
        .expect(404);
      const none = await http()
        .post(url(randomUUID()))
        .set(as(org.peerA1))
        .send(goalBody())
        .expect(404);
      expect(out.body).toEqual(problem(404, 'NOT_FOUND', 'Recovery plan not found.'));
      expect(none.body).toEqual(problem(404, 'NOT_FOUND', 'Recovery plan not found.'));
      const rows = await t.dataSource.query(`SELECT 1 FROM goal WHERE plan_id = $1`, [
        theirPlan.id,
      ]);
      expect(rows).toEqual([]);
    });

    it('should answer 400 with the exact errors', async () => {
      const res = await http()
        .post(url(myPlan.id))
        .set(as(org.peerA1))
        .send({
          description: 7,
          domain: 'spirit',
          targetDate: '30/06/2026',
          actionSteps: [{ text: '', done: 'yes' }],
          lifecycleStatus: 'completed',
          achievementStatus: 'great',
          clientId: theirs.id,
        })
        .expect(400);
      expect(res.body).toEqual(
        problem(400, 'VALIDATION_FAILED', 'The request is invalid.', [
          {
            field: 'achievementStatus',
            message: expect.stringMatching(
              /^achievementStatus must be one of the following values: in-progress, /,
            ),
          },
          { field: 'actionSteps.0.done', message: 'done must be a boolean value' },
          {
            field: 'actionSteps.0.text',
            message: 'text must be longer than or equal to 1 characters',
          },
          { field: 'clientId', message: 'property clientId should not exist' },
          { field: 'description', message: 'description must be a string' },
          {
            field: 'domain',
            message: 'domain must be one of the following values: health, home, purpose, community',
          },
          {
            field: 'lifecycleStatus',
            message:
              'lifecycleStatus must be one of the following values: proposed, planned, accepted, active',
          },
          { field: 'targetDate', message: 'targetDate must be a date (YYYY-MM-DD)' },
        ]),
      );
    });

    it('should create a proposed goal, store it and audit it', async () => {
      const res = await http()
        .post(url(myPlan.id))
        .set(as(org.peerA1))
        .send(goalBody())
        .expect(201);
      expect(res.body).toEqual({
        id: expect.any(String),
        planId: myPlan.id,
        clientId: mine.id,
        description: 'Find a recovery meeting close to home',
        domain: 'community',
        targetDate: '2026-06-30',
        actionSteps: [
          { text: 'Look up meetings', done: false },
          { text: 'Go once', done: true },
        ],
        lifecycleStatus: 'proposed',
        achievementStatus: null,
        createdById: org.peerA1.id,
        notesCount: 0,
        lastAddressedAt: null,
        version: 1,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
      expect(res.headers.etag).toBe('"1"');
      const [row] = await t.dataSource.query(
        `SELECT organization_id, client_id, plan_id, domain, action_steps, lifecycle_status FROM goal WHERE id = $1`,
        [res.body.id],
      );
      expect(row).toEqual({
        organization_id: org.id,
        client_id: mine.id,
        plan_id: myPlan.id,
        domain: 'community',
        action_steps: [
          { text: 'Look up meetings', done: false },
          { text: 'Go once', done: true },
        ],
        lifecycle_status: 'proposed',
      });
      const audit = await t.dataSource.query(
        `SELECT client_id, resource_type FROM audit_event WHERE action = 'goal.create' AND resource_id = $1`,
        [res.body.id],
      );
      expect(audit).toEqual([{ client_id: mine.id, resource_type: 'Goal' }]);
    });

    it('should refuse a goal on a completed plan (422)', async () => {
      const done = await createPlan(t.dataSource, mine, { status: 'completed', agreed: true });
      const res = await http().post(url(done.id)).set(as(org.peerA1)).send(goalBody()).expect(422);
      expect(res.body).toEqual(
        problem(422, 'PLAN_CLOSED', 'A completed or revoked recovery plan cannot be changed.'),
      );
    });
  });

  describe('GET /api/v1/recovery-plans/:id/goals', () => {
    const url = (planId: string) => `/api/v1/recovery-plans/${planId}/goals`;

    it('should answer 401 without a token', async () => {
      await http().get(url(myPlan.id)).expect(401);
    });

    it('should answer 403 for an admin: goals’ text is a clinical narrative', async () => {
      await http().get(url(myPlan.id)).set(as(org.admin)).expect(403);
    });

    it('should answer 404 for a plan outside scope', async () => {
      const res = await http().get(url(theirPlan.id)).set(as(org.peerA1)).expect(404);
      expect(res.body).toEqual(problem(404, 'NOT_FOUND', 'Recovery plan not found.'));
    });

    it('should answer 400 below the minimum page size', async () => {
      const res = await http()
        .get(`${url(myPlan.id)}?limit=0`)
        .set(as(org.peerA1))
        .expect(400);
      expect(res.body.errors).toEqual([
        { field: 'limit', message: 'limit must not be less than 1' },
      ]);
    });

    it('should page the plan’s goals newest first and audit the read', async () => {
      const plan = await createPlan(t.dataSource, mine);
      const g1 = await createGoal(t.dataSource, plan, {
        createdAt: new Date(Date.UTC(2026, 0, 1)),
      });
      const g2 = await createGoal(t.dataSource, plan, {
        createdAt: new Date(Date.UTC(2026, 0, 2)),
      });
      const g3 = await createGoal(t.dataSource, plan, {
        createdAt: new Date(Date.UTC(2026, 0, 3)),
      });
      const page1 = await http()
        .get(`${url(plan.id)}?limit=2`)
        .set(as(org.supervisorA))
        .expect(200);
      expect(page1.body.items.map((g: { id: string }) => g.id)).toEqual([g3.id, g2.id]);
      const page2 = await http()
        .get(`${url(plan.id)}?cursor=${page1.body.nextCursor}`)
        .set(as(org.supervisorA))
        .expect(200);
      expect(page2.body.items.map((g: { id: string }) => g.id)).toEqual([g1.id]);
      expect(page2.body.nextCursor).toBeNull();
      const audit = await t.dataSource.query(
        `SELECT client_id, resource_id FROM audit_event WHERE actor_id = $1 AND action = 'goal.list'`,
        [org.supervisorA.id],
      );
      expect(audit).toContainEqual({ client_id: mine.id, resource_id: plan.id });
    });
  });

  describe('GET /api/v1/goals/:id', () => {
    it('should answer 401 without a token', async () => {
      const goal = await createGoal(t.dataSource, myPlan);
      await http().get(`/api/v1/goals/${goal.id}`).expect(401);
    });

    it('should answer 403 for an admin', async () => {
      const goal = await createGoal(t.dataSource, myPlan);
      const res = await http().get(`/api/v1/goals/${goal.id}`).set(as(org.admin)).expect(403);
      expect(res.body).not.toHaveProperty('description');
    });

    it('should answer 404 for a goal of someone else’s client, exactly as for none', async () => {
      const goal = await createGoal(t.dataSource, theirPlan);
      const out = await http().get(`/api/v1/goals/${goal.id}`).set(as(org.peerA1)).expect(404);
      const none = await http()
        .get(`/api/v1/goals/${randomUUID()}`)
        .set(as(org.peerA1))
        .expect(404);
      expect(out.body).toEqual(problem(404, 'NOT_FOUND', 'Goal not found.'));
      expect(none.body).toEqual(problem(404, 'NOT_FOUND', 'Goal not found.'));
    });

    it('should answer 400 for an id that is not a UUID', async () => {
      const res = await http().get('/api/v1/goals/123').set(as(org.peerA1)).expect(400);
      expect(res.body.errors).toEqual([{ field: 'id', message: 'id must be a UUID' }]);
    });

    it('should answer the goal with its ETag and audit the read', async () => {
      const goal = await createGoal(t.dataSource, myPlan, {
        lifecycleStatus: 'active',
        achievementStatus: 'improving',
      });
      const res = await http().get(`/api/v1/goals/${goal.id}`).set(as(org.peerA1)).expect(200);
      expect(res.body).toMatchObject({
        id: goal.id,
        description: 'Walk every morning',
        domain: 'health',
        actionSteps: [{ text: 'Buy shoes', done: false }],
        lifecycleStatus: 'active',
        achievementStatus: 'improving',
        version: 1,
      });
      expect(res.headers.etag).toBe('"1"');
      const audit = await t.dataSource.query(
        `SELECT client_id FROM audit_event WHERE actor_id = $1 AND action = 'goal.read' AND resource_id = $2`,
        [org.peerA1.id, goal.id],
      );
      expect(audit).toEqual([{ client_id: mine.id }]);
    });
  });

  describe('PATCH /api/v1/goals/:id', () => {
    const patch = (id: string, user: TestUser, body: object, version: number | null = 1) => {
      const req = http().patch(`/api/v1/goals/${id}`).set(as(user));
      return (version === null ? req : req.set('If-Match', `"${version}"`)).send(body);
    };

    it('should answer 401 without a token', async () => {
      const goal = await createGoal(t.dataSource, myPlan);
      await http()
        .patch(`/api/v1/goals/${goal.id}`)
        .set('If-Match', '"1"')
        .send({ domain: 'home' })
        .expect(401);
    });

    it('should answer 403 for an admin', async () => {
      const goal = await createGoal(t.dataSource, myPlan);
      await patch(goal.id, org.admin, { domain: 'home' }).expect(403);
    });

    it('should answer 428 without If-Match', async () => {
      const goal = await createGoal(t.dataSource, myPlan);
      await patch(goal.id, org.peerA1, { domain: 'home' }, null).expect(428);
    });

    it('should answer 404 for a goal of someone else’s client and change nothing', async () => {
      const goal = await createGoal(t.dataSource, theirPlan);
      const res = await patch(goal.id, org.peerA1, { description: 'Changed' }).expect(404);
      expect(res.body).toEqual(problem(404, 'NOT_FOUND', 'Goal not found.'));
      const [row] = await t.dataSource.query(
        `SELECT description, version FROM goal WHERE id = $1`,
        [goal.id],
      );
      expect(row).toEqual({ description: 'Walk every morning', version: 1 });
    });

    it('should refuse to move a goal to another plan or client (400) and keep it where it is', async () => {
      const goal = await createGoal(t.dataSource, myPlan);
      const res = await patch(goal.id, org.peerA1, {
        planId: theirPlan.id,
        clientId: theirs.id,
      }).expect(400);
      expect(res.body).toEqual(
        problem(400, 'VALIDATION_FAILED', 'The request is invalid.', [
          { field: 'clientId', message: 'property clientId should not exist' },
          { field: 'planId', message: 'property planId should not exist' },
        ]),
      );
      const [row] = await t.dataSource.query(`SELECT plan_id, client_id FROM goal WHERE id = $1`, [
        goal.id,
      ]);
      expect(row).toEqual({ plan_id: myPlan.id, client_id: mine.id });
    });

    it('should answer 400 for a null description', async () => {
      const goal = await createGoal(t.dataSource, myPlan);
      const res = await patch(goal.id, org.peerA1, {
        description: null,
        lifecycleStatus: 'done',
      }).expect(400);
      expect(res.body.errors).toEqual([
        { field: 'description', message: 'description must be a string' },
        {
          field: 'lifecycleStatus',
          message: expect.stringMatching(
            /^lifecycleStatus must be one of the following values: proposed, /,
          ),
        },
      ]);
    });

    it('should answer 412 for a stale version', async () => {
      const goal = await createGoal(t.dataSource, myPlan);
      await patch(goal.id, org.peerA1, { domain: 'home' }, 2).expect(412);
    });

    it('should refuse completed -> proposed with 422', async () => {
      const goal = await createGoal(t.dataSource, myPlan, {
        lifecycleStatus: 'completed',
        achievementStatus: 'achieved',
      });
      const res = await patch(goal.id, org.peerA1, { lifecycleStatus: 'proposed' }).expect(422);
      expect(res.body).toEqual({
        ...problem(
          422,
          'GOAL_TRANSITION_NOT_ALLOWED',
          'A goal cannot move from completed to proposed.',
        ),
        from: 'completed',
        to: 'proposed',
      });
    });

    it('should refuse completing a goal as not achieved with 422', async () => {
      const goal = await createGoal(t.dataSource, myPlan, { lifecycleStatus: 'active' });
      const res = await patch(goal.id, org.peerA1, {
        lifecycleStatus: 'completed',
        achievementStatus: 'not-achieved',
      }).expect(422);
      expect(res.body).toEqual(
        problem(
          422,
          'GOAL_TRANSITION_NOT_ALLOWED',
          'A completed goal must be achieved or sustaining.',
        ),
      );
    });

    it('should walk a goal from proposed to completed, recording it as achieved', async () => {
      const goal = await createGoal(t.dataSource, myPlan);
      const active = await patch(goal.id, org.peerA1, {
        lifecycleStatus: 'active',
        achievementStatus: 'in-progress',
      }).expect(200);
      expect(active.body).toMatchObject({
        lifecycleStatus: 'active',
        achievementStatus: 'in-progress',
        version: 2,
      });
      const steps = [{ text: 'Buy shoes', done: true }];
      const done = await patch(
        goal.id,
        org.supervisorA,
        { lifecycleStatus: 'completed', actionSteps: steps },
        2,
      ).expect(200);
      expect(done.body).toMatchObject({
        lifecycleStatus: 'completed',
        achievementStatus: 'achieved',
        actionSteps: steps,
        version: 3,
      });
      expect(done.headers.etag).toBe('"3"');
      const [row] = await t.dataSource.query(
        `SELECT lifecycle_status, achievement_status, action_steps, version FROM goal WHERE id = $1`,
        [goal.id],
      );
      expect(row).toEqual({
        lifecycle_status: 'completed',
        achievement_status: 'achieved',
        action_steps: steps,
        version: 3,
      });
      const audit = await t.dataSource.query(
        `SELECT action FROM audit_event WHERE resource_id = $1 AND action LIKE 'goal.%' ORDER BY seq`,
        [goal.id],
      );
      expect(audit.map((a: { action: string }) => a.action)).toEqual([
        'goal.active',
        'goal.completed',
      ]);
    });

    it('should refuse editing a goal of a revoked plan (422)', async () => {
      const plan = await createPlan(t.dataSource, mine, { status: 'revoked' });
      const goal = await createGoal(t.dataSource, plan);
      const res = await patch(goal.id, org.peerA1, { domain: 'home' }).expect(422);
      expect(res.body.code).toBe('PLAN_CLOSED');
    });

    it('should let exactly one of 20 parallel updates with one ETag win', async () => {
      const goal = await createGoal(t.dataSource, myPlan);
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          patch(goal.id, org.peerA1, { description: `Goal ${i}` }),
        ),
      );
      const statuses = results.map((r) => r.status);
      expect(statuses.filter((s) => s === 200)).toHaveLength(1);
      expect(statuses.filter((s) => s === 412)).toHaveLength(19);
      const winner = results.find((r) => r.status === 200)!;
      const [row] = await t.dataSource.query(
        `SELECT description, version FROM goal WHERE id = $1`,
        [goal.id],
      );
      expect(row).toEqual({ description: winner.body.description, version: 2 });
    });
  });
});
