import { randomUUID } from 'node:crypto';

import { INestApplicationContext } from '@nestjs/common';
import request from 'supertest';

import { ReferralFollowUpJobsService } from '../../src/modules/referrals-out/referral-follow-up-jobs.service';
import { JobName } from '../../src/queue/jobs';
import { createWorker } from '../../src/worker';
import { createClient } from '../factories/client.factory';
import { createTestOrg, TestOrg } from '../factories/people.factory';
import { countAuditEvents } from '../helpers/audit';
import { eventually } from '../helpers/eventually';
import { bearer } from '../helpers/http';
import { problem } from '../helpers/problem';
import { createTestApp, TestApp } from '../setup/create-test-app';

const DAY = 86_400_000;

interface Task {
  id: string;
  status: string;
  status_reason: string | null;
  owner_id: string | null;
  due_at: Date;
  window_start: Date;
  window_end: Date;
  label: string;
  completed_at: Date | null;
}

describe('referrals out /api/v1/clients/:id/referrals-out (e2e, with the worker)', () => {
  let t: TestApp;
  let worker: INestApplicationContext;
  let org: TestOrg;
  let other: TestOrg;
  let clientId: string;
  let resourceId: string;
  const http = () => request(t.app.getHttpServer());
  const path = (id = clientId) => `/api/v1/clients/${id}/referrals-out`;
  const body = (over: Record<string, unknown> = {}) => ({
    resourceId,
    need: 'housing',
    reason: 'Needs a recovery residence after discharge',
    ...over,
  });
  const resource = async (o: TestOrg, active = true) =>
    (
      await t.dataSource.query(
        `INSERT INTO community_resource (organization_id, name, categories, active)
         VALUES ($1, 'Harbor Light Housing', '{housing}', $2) RETURNING id`,
        [o.id, active],
      )
    )[0].id as string;
  const refer = async (
    token = org.peerA1.token,
    over: Record<string, unknown> = {},
    client = clientId,
  ) => (await http().post(path(client)).auth(token, bearer).send(body(over)).expect(201)).body;
  const move = (id: string, status: string, version: number | null, token = org.peerA1.token) => {
    const req = http().patch(`/api/v1/referrals-out/${id}`).auth(token, bearer);
    if (version !== null) req.set('If-Match', `"${version}"`);
    return req.send({ status });
  };
  const taskOf = async (referralId: string): Promise<Task | undefined> =>
    (
      await t.dataSource.query(
        `SELECT id, status, status_reason, owner_id, due_at, window_start, window_end, label, completed_at
           FROM follow_up WHERE referral_out_id = $1`,
        [referralId],
      )
    )[0];
  const taskCreated = (referralId: string) =>
    eventually(() => taskOf(referralId), 15_000, 'referral task');

  beforeAll(async () => {
    t = await createTestApp();
    worker = await createWorker();
    org = await createTestOrg(t.app);
    other = await createTestOrg(t.app);
    clientId = await createClient(t.dataSource, {
      organizationId: org.id,
      specialistId: org.peerA1.id,
    });
    resourceId = await resource(org);
  });
  afterAll(async () => {
    await worker.close();
    await t.close();
  });

  describe('POST', () => {
    it('should answer 401 without a token and 403 to an admin', async () => {
      await http().post(path()).send(body()).expect(401);
      const res = await http().post(path()).auth(org.admin.token, bearer).send(body()).expect(403);
      expect(res.body).toEqual(problem(403, 'FORBIDDEN', 'Your role may not perform this action.'));
    });

    it('should answer 404 for a client outside the caller’s scope, like a missing one', async () => {
      const outside = await http()
        .post(path())
        .auth(org.peerB1.token, bearer)
        .send(body())
        .expect(404);
      const missing = await http()
        .post(path(randomUUID()))
        .auth(org.peerA1.token, bearer)
        .send(body())
        .expect(404);
      expect(outside.body).toEqual(problem(404, 'NOT_FOUND', 'Client not found.'));
      expect({ ...missing.body, correlationId: 0 }).toEqual({ ...outside.body, correlationId: 0 });
    });

    it('should answer 400 with the exact errors and store nothing', async () => {
      const bad = await http()
        .post(path())
        .auth(org.peerA1.token, bearer)
        .send({ resourceId: 'x', need: 'spa', reason: '', urgent: true })
        .expect(400);
      expect(bad.body).toEqual(
        problem(400, 'VALIDATION_FAILED', 'The request is invalid.', [
          {
            field: 'need',
            message:
              'need must be one of the following values: housing, employment, education, mutual-aid-meeting, moud-provider, mental-health, legal, transport, food, childcare, harm-reduction, health-care, benefits, recovery-community, other',
          },
          { field: 'reason', message: 'reason must be longer than or equal to 1 characters' },
          { field: 'resourceId', message: 'resourceId must be a UUID' },
          { field: 'urgent', message: 'property urgent should not exist' },
        ]),
      );
      for (const id of [await resource(other), await resource(org, false), randomUUID()]) {
        const res = await http()
          .post(path())
          .auth(org.peerA1.token, bearer)
          .send(body({ resourceId: id }))
          .expect(400);
        expect(res.body.errors).toEqual([
          {
            field: 'resourceId',
            message: 'resourceId must be an active resource of your directory',
          },
        ]);
      }
      const nul = await http()
        .post(path())
        .auth(org.peerA1.token, bearer)
        .send(body({ reason: 'a\u0000b' }))
        .expect(400);
      expect(nul.body.errors).toEqual([
        { field: 'reason', message: 'reason must not contain NUL characters' },
      ]);
      const resent = await http()
        .post(path())
        .auth(org.peerA1.token, bearer)
        .send(body({ resentFromId: randomUUID() }))
        .expect(400);
      expect(resent.body.errors).toEqual([
        {
          field: 'resentFromId',
          message: 'resentFromId must be a declined referral of this client',
        },
      ]);
      expect(
        await t.dataSource.query(`SELECT 1 FROM referral_out WHERE client_id = $1`, [clientId]),
      ).toEqual([]);
    });

    it('should send the referral, stored with its history and audited; the worker creates its task', async () => {
      const res = await http().post(path()).auth(org.peerA1.token, bearer).send(body()).expect(201);
      expect(res.headers.etag).toBe('"1"');
      expect(res.body).toEqual({
        id: expect.any(String),
        clientId,
        resourceId,
        resourceName: 'Harbor Light Housing',
        need: 'housing',
        reason: 'Needs a recovery residence after discharge',
        status: 'sent',
        resentFromId: null,
        sentAt: expect.any(String),
        sentById: org.peerA1.id,
        history: [{ status: 'sent', actorId: org.peerA1.id, occurredAt: expect.any(String) }],
        followUpId: null,
        followUpDueAt: expect.any(String),
        version: 1,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
      const sentAt = Date.parse(res.body.sentAt);
      expect(Date.parse(res.body.followUpDueAt) - sentAt).toBeGreaterThanOrEqual(7 * DAY - 1000);
      expect(Date.parse(res.body.followUpDueAt) - sentAt).toBeLessThanOrEqual(7 * DAY + 1000);
      const [row] = await t.dataSource.query(`SELECT * FROM referral_out WHERE id = $1`, [
        res.body.id,
      ]);
      expect(row).toEqual(
        expect.objectContaining({
          organization_id: org.id,
          client_id: clientId,
          resource_id: resourceId,
          need: 'housing',
          status: 'sent',
          sent_by_id: org.peerA1.id,
          version: 1,
        }),
      );
      expect(
        await t.dataSource.query(
          `SELECT status, actor_id FROM referral_out_event WHERE referral_out_id = $1`,
          [res.body.id],
        ),
      ).toEqual([{ status: 'sent', actor_id: org.peerA1.id }]);
      expect(
        await t.dataSource.query(`SELECT job_name FROM outbox WHERE job_id = $1`, [
          `referral-out-follow-up.${res.body.id}`,
        ]),
      ).toEqual([{ job_name: JobName.ReferralOutFollowUp }]);
      expect(
        await countAuditEvents(t.dataSource, {
          action: 'referral-out.create',
          resourceId: res.body.id,
          clientId,
          actorId: org.peerA1.id,
        }),
      ).toBe(1);

      const task = await taskCreated(res.body.id);
      expect(task).toEqual(
        expect.objectContaining({
          status: 'requested',
          owner_id: org.peerA1.id,
          label: 'referral connection check',
          due_at: new Date(res.body.followUpDueAt),
          window_start: new Date(res.body.sentAt),
          window_end: new Date(Date.parse(res.body.followUpDueAt) + 2 * DAY),
        }),
      );
      // Its reminder and escalation are scheduled like any follow-up's.
      expect(
        (
          await t.dataSource.query(
            `SELECT job_name FROM follow_up_job WHERE follow_up_id = $1 ORDER BY job_name`,
            [task.id],
          )
        ).map((j: { job_name: string }) => j.job_name),
      ).toEqual([JobName.FollowUpEscalation, JobName.FollowUpReminder]);
      const read = await http()
        .get(`/api/v1/referrals-out/${res.body.id}`)
        .auth(org.peerA1.token, bearer)
        .expect(200);
      expect(read.body.followUpId).toBe(task.id);
      // A job delivered again creates nothing more.
      const jobs = worker.get(ReferralFollowUpJobsService);
      expect(await jobs.createTask({ organizationId: org.id, referralOutId: res.body.id })).toBe(
        'skipped',
      );
      expect(
        await t.dataSource.query(
          `SELECT count(*)::int AS n FROM follow_up WHERE referral_out_id = $1`,
          [res.body.id],
        ),
      ).toEqual([{ n: 1 }]);
    });

    it('should make the task due after the organization’s referralFollowUpDays', async () => {
      const settings = await http()
        .get('/api/v1/settings/organization')
        .auth(org.admin.token, bearer)
        .expect(200);
      expect(settings.body).toEqual(
        expect.objectContaining({ referralFollowUpDays: 7, timeZone: 'UTC' }),
      );
      await http()
        .patch('/api/v1/settings/organization')
        .auth(org.admin.token, bearer)
        .set('If-Match', `"${settings.body.version}"`)
        .send({ referralFollowUpDays: 3 })
        .expect(200);
      const sent = await refer();
      const days = (Date.parse(sent.followUpDueAt) - Date.parse(sent.sentAt)) / DAY;
      expect(days).toBeCloseTo(3, 4);
      const task = await taskCreated(sent.id);
      expect(task.due_at).toEqual(new Date(sent.followUpDueAt));
    });
  });

  describe('GET', () => {
    it('should answer 401, 403 to an admin, 404 outside the scope, 400 for limit=101', async () => {
      const sent = await refer();
      await http().get(path()).expect(401);
      await http().get(`/api/v1/referrals-out/${sent.id}`).expect(401);
      await http().get(path()).auth(org.admin.token, bearer).expect(403);
      await http()
        .get(`/api/v1/referrals-out/${sent.id}`)
        .auth(org.admin.token, bearer)
        .expect(403);
      const outside = await http().get(path()).auth(org.peerB1.token, bearer).expect(404);
      expect(outside.body).toEqual(problem(404, 'NOT_FOUND', 'Client not found.'));
      const one = await http()
        .get(`/api/v1/referrals-out/${sent.id}`)
        .auth(org.supervisorB.token, bearer)
        .expect(404);
      expect(one.body).toEqual(problem(404, 'NOT_FOUND', 'Referral not found.'));
      await http()
        .get(`/api/v1/referrals-out/${randomUUID()}`)
        .auth(org.peerA1.token, bearer)
        .expect(404);
      await http()
        .get(`/api/v1/referrals-out/${sent.id}`)
        .auth(other.supervisorA.token, bearer)
        .expect(404);
      const limit = await http()
        .get(`${path()}?limit=101`)
        .auth(org.peerA1.token, bearer)
        .expect(400);
      expect(limit.body.errors).toEqual([
        { field: 'limit', message: 'limit must not be greater than 100' },
      ]);
    });

    it('should list newest first, paged, and read one, each read audited', async () => {
      const fresh = await createClient(t.dataSource, {
        organizationId: org.id,
        specialistId: org.peerA1.id,
      });
      const first = await refer(org.peerA1.token, {}, fresh);
      const second = await refer(org.supervisorA.token, { need: 'other' }, fresh);
      const page = await http()
        .get(`${path(fresh)}?limit=1`)
        .auth(org.peerA1.token, bearer)
        .expect(200);
      expect(page.body.items.map((i: { id: string }) => i.id)).toEqual([second.id]);
      const next = await http()
        .get(`${path(fresh)}?limit=1&cursor=${page.body.nextCursor}`)
        .auth(org.peerA1.token, bearer)
        .expect(200);
      expect(next.body.items.map((i: { id: string }) => i.id)).toEqual([first.id]);
      expect(next.body.nextCursor).toBeNull();
      expect(
        await countAuditEvents(t.dataSource, { action: 'referral-out.list', clientId: fresh }),
      ).toBe(2);
      const one = await http()
        .get(`/api/v1/referrals-out/${first.id}`)
        .auth(org.supervisorA.token, bearer)
        .expect(200);
      expect(one.body).toEqual(expect.objectContaining({ id: first.id, status: 'sent' }));
      expect(
        await countAuditEvents(t.dataSource, {
          action: 'referral-out.read',
          resourceId: first.id,
          actorId: org.supervisorA.id,
        }),
      ).toBe(1);
    });

    it('should show the referral on the client’s timeline', async () => {
      const fresh = await createClient(t.dataSource, {
        organizationId: org.id,
        specialistId: org.peerA1.id,
      });
      const sent = await refer(org.peerA1.token, { need: 'legal' }, fresh);
      const timeline = await http()
        .get(`/api/v1/clients/${fresh}/timeline`)
        .auth(org.peerA1.token, bearer)
        .expect(200);
      expect(timeline.body.items).toContainEqual({
        type: 'referral_out',
        id: sent.id,
        occurredAt: sent.sentAt,
        status: 'sent',
        label: 'legal',
      });
    });
  });

  describe('PATCH /api/v1/referrals-out/:id', () => {
    it('should answer 401, 403 to an admin, 428 without If-Match, 404 outside the scope, 400 for a bad status', async () => {
      const sent = await refer();
      await http()
        .patch(`/api/v1/referrals-out/${sent.id}`)
        .send({ status: 'accepted' })
        .expect(401);
      await move(sent.id, 'accepted', 1, org.admin.token).expect(403);
      const missing = await move(sent.id, 'accepted', null).expect(428);
      expect(missing.body.code).toBe('PRECONDITION_REQUIRED');
      const outside = await move(sent.id, 'accepted', 1, org.peerB1.token).expect(404);
      expect(outside.body).toEqual(problem(404, 'NOT_FOUND', 'Referral not found.'));
      const bad = await move(sent.id, 'sent', 1).expect(400);
      expect(bad.body.errors).toEqual([
        {
          field: 'status',
          message:
            'status must be one of the following values: accepted, declined, completed, not-completed',
        },
      ]);
    });

    it('should refuse a transition the lifecycle does not allow (409) and a stale ETag (412)', async () => {
      const sent = await refer();
      const skip = await move(sent.id, 'completed', 1).expect(409);
      expect(skip.body).toEqual(
        expect.objectContaining({
          code: 'INVALID_TRANSITION',
          detail: 'A referral cannot go from sent to completed.',
        }),
      );
      await move(sent.id, 'accepted', 1).expect(200);
      const stale = await move(sent.id, 'completed', 1).expect(412);
      expect(stale.body.code).toBe('PRECONDITION_FAILED');
    });

    it('should accept then complete, timestamped by whom, completing the task (idempotently)', async () => {
      const sent = await refer();
      const task = await taskCreated(sent.id);
      const accepted = await move(sent.id, 'accepted', 1, org.supervisorA.token).expect(200);
      expect(accepted.headers.etag).toBe('"2"');
      const done = await move(sent.id, 'completed', 2).expect(200);
      expect(done.body).toEqual(
        expect.objectContaining({
          status: 'completed',
          version: 3,
          followUpId: task.id,
          history: [
            { status: 'sent', actorId: org.peerA1.id, occurredAt: sent.sentAt },
            { status: 'accepted', actorId: org.supervisorA.id, occurredAt: expect.any(String) },
            { status: 'completed', actorId: org.peerA1.id, occurredAt: expect.any(String) },
          ],
        }),
      );
      const [row] = await t.dataSource.query(
        `SELECT status, status_changed_by_id, version FROM referral_out WHERE id = $1`,
        [sent.id],
      );
      expect(row).toEqual({ status: 'completed', status_changed_by_id: org.peerA1.id, version: 3 });
      expect(await taskOf(sent.id)).toEqual(
        expect.objectContaining({
          status: 'completed',
          status_reason: 'referral-completed',
          completed_at: expect.any(Date),
        }),
      );
      for (const action of ['referral-out.accepted', 'referral-out.completed']) {
        expect(
          await countAuditEvents(t.dataSource, { action, resourceId: sent.id, clientId }),
        ).toBe(1);
      }
      const again = await move(sent.id, 'completed', 3).expect(409);
      expect(again.body.code).toBe('INVALID_TRANSITION');
      expect(
        await worker
          .get(ReferralFollowUpJobsService)
          .createTask({ organizationId: org.id, referralOutId: sent.id }),
      ).toBe('skipped');
      expect((await taskOf(sent.id))?.status).toBe('completed');
    });

    it('should leave the task completed whether the worker ran before or after the referral ended', async () => {
      const sent = await refer();
      await move(sent.id, 'accepted', 1).expect(200);
      await move(sent.id, 'completed', 2).expect(200);
      const task = await taskCreated(sent.id);
      expect(task).toEqual(
        expect.objectContaining({ status: 'completed', status_reason: 'referral-completed' }),
      );
    });

    it('should cancel the task of a declined referral, and re-send it once as a new referral', async () => {
      const sent = await refer();
      await move(sent.id, 'declined', 1).expect(200);
      const task = await taskCreated(sent.id);
      expect(task).toEqual(
        expect.objectContaining({ status: 'cancelled', status_reason: 'referral-declined' }),
      );
      await move(sent.id, 'accepted', 2).expect(409);
      const resent = await refer(org.peerA1.token, { resentFromId: sent.id });
      expect(resent).toEqual(expect.objectContaining({ resentFromId: sent.id, status: 'sent' }));
      const twice = await http()
        .post(path())
        .auth(org.peerA1.token, bearer)
        .send(body({ resentFromId: sent.id }))
        .expect(409);
      expect(twice.body).toEqual(
        problem(409, 'CONFLICT', 'This referral has already been re-sent.'),
      );
    });

    it('should apply one of a burst of 50 parallel transitions with one ETag', async () => {
      const sent = await refer();
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) => move(sent.id, i % 2 ? 'accepted' : 'declined', 1)),
      );
      const statuses = results.map((r) => r.status).sort();
      expect(statuses).toEqual([200, ...Array(49).fill(412)]);
      const events = await t.dataSource.query(
        `SELECT status FROM referral_out_event WHERE referral_out_id = $1 ORDER BY occurred_at`,
        [sent.id],
      );
      const winner = results.find((r) => r.status === 200)?.body.status;
      expect(events).toEqual([{ status: 'sent' }, { status: winner }]);
      const [row] = await t.dataSource.query(
        `SELECT status, version FROM referral_out WHERE id = $1`,
        [sent.id],
      );
      expect(row).toEqual({ status: winner, version: 2 });
      expect(
        await countAuditEvents(t.dataSource, {
          action: `referral-out.${winner}`,
          resourceId: sent.id,
        }),
      ).toBe(1);
    });
  });
});
