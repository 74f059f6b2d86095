import { randomUUID } from 'node:crypto';

import request from 'supertest';

import { bearer } from '../helpers/http';
import { createTestApp, TestApp } from '../setup/create-test-app';
import { createClient, createCoverage } from '../factories/client.factory';
import { dischargeBody } from '../factories/discharge.factory';
import { createTestOrg, TestOrg } from '../factories/people.factory';
import { INVALID_CURSOR, problem } from '../helpers/problem';

interface Task {
  id: string;
  label: string;
  status: string;
  ownerId: string | null;
  clientId: string;
}

describe('follow-ups (e2e)', () => {
  let t: TestApp;
  let org: TestOrg;
  let clientA1: string;
  let tasksA1: Task[];
  const http = () => request(t.app.getHttpServer());

  const discharge = async (
    clientId: string,
    token: string,
    over: Record<string, unknown> = {},
  ): Promise<Task[]> => {
    const res = await http()
      .post(`/api/v1/clients/${clientId}/discharges`)
      .auth(token, bearer)
      .send(dischargeBody(over))
      .expect(201);
    return res.body.followUps;
  };
  const act = (token: string, id: string, action: string, body: Record<string, unknown> = {}) =>
    http().post(`/api/v1/follow-ups/${id}/${action}`).auth(token, bearer).send(body);
  const list = async (token: string, query: string): Promise<Task[]> =>
    (await http().get(`/api/v1/follow-ups?${query}`).auth(token, bearer).expect(200)).body.items;

  beforeAll(async () => {
    t = await createTestApp();
    org = await createTestOrg(t.app);
    clientA1 = await createClient(t.dataSource, {
      organizationId: org.id,
      specialistId: org.peerA1.id,
    });
    tasksA1 = await discharge(clientA1, org.peerA1.token);
  });
  afterAll(() => t.close());

  describe('GET /api/v1/follow-ups', () => {
    it('should answer 401 without a token and 403 for an admin', async () => {
      await http().get('/api/v1/follow-ups').expect(401);
      const res = await http().get('/api/v1/follow-ups').auth(org.admin.token, bearer).expect(403);
      expect(res.body).toEqual(problem(403, 'FORBIDDEN', 'Your role may not perform this action.'));
    });

    it('should answer 400 with the exact errors for unknown filters', async () => {
      const res = await http()
        .get('/api/v1/follow-ups?view=all&status=open&limit=101')
        .auth(org.peerA1.token, bearer)
        .expect(400);
      expect(res.body).toEqual(
        problem(400, 'VALIDATION_FAILED', 'The request is invalid.', [
          { field: 'limit', message: 'limit must not be greater than 100' },
          {
            field: 'status',
            message:
              'status must be one of the following values: requested, ready, in-progress, completed, cancelled, failed, on-hold',
          },
          {
            field: 'view',
            message:
              'view must be one of the following values: mine, due-today, overdue, needs-assignment',
          },
        ]),
      );
    });

    it('should list only the caller’s scope: own caseload, coverage, supervised teams', async () => {
      const clientB = await createClient(t.dataSource, {
        organizationId: org.id,
        specialistId: org.peerB1.id,
      });
      const tasksB = await discharge(clientB, org.peerB1.token, { levelOfCare: 'outpatient' });
      const idsOf = (items: Task[]) => new Set(items.map((i) => i.id));
      const peerA1 = idsOf(await list(org.peerA1.token, 'limit=100'));
      expect(tasksA1.every((f) => peerA1.has(f.id))).toBe(true);
      expect(tasksB.some((f) => peerA1.has(f.id))).toBe(false);
      expect(await list(org.peerA2.token, 'limit=100')).toEqual([]);
      expect(idsOf(await list(org.supervisorB.token, 'limit=100'))).toEqual(idsOf(tasksB));
      await createCoverage(t.dataSource, {
        clientId: clientB,
        specialistId: org.peerA2.id,
        endsAt: new Date(Date.now() + 86_400_000),
      });
      expect(idsOf(await list(org.peerA2.token, 'limit=100'))).toEqual(idsOf(tasksB));
    });

    it('should answer 404 when filtering on a client outside the caller’s scope, as for one that does not exist', async () => {
      const outside = await http()
        .get(`/api/v1/follow-ups?clientId=${clientA1}`)
        .auth(org.peerB1.token, bearer)
        .expect(404);
      const missing = await http()
        .get(`/api/v1/follow-ups?clientId=${randomUUID()}`)
        .auth(org.peerB1.token, bearer)
        .expect(404);
      expect(outside.body).toEqual(problem(404, 'NOT_FOUND', 'Client not found.'));
      expect(missing.body).toEqual(problem(404, 'NOT_FOUND', 'Client not found.'));
    });

    it('should page soonest due first with a cursor', async () => {
      const page1 = await http()
        .get(`/api/v1/follow-ups?clientId=${clientA1}&limit=3`)
        .auth(org.peerA1.token, bearer)
        .expect(200);
      expect(page1.body.items.map((f: Task) => f.label)).toEqual([
        'warm-handoff',
        'day-2',
        'day-7',
      ]);
      const page2 = await http()
        .get(`/api/v1/follow-ups?clientId=${clientA1}&limit=3&cursor=${page1.body.nextCursor}`)
        .auth(org.peerA1.token, bearer)
        .expect(200);
      // day-30 and the day-30 BARC-10 fall due together: ties are ordered by id.
      expect(page2.body.items.map((f: Task) => f.label).sort()).toEqual([
        'barc10-day-30',
        'day-14',
        'day-30',
      ]);
      expect(page2.body.items[0].label).toBe('day-14');
    });

    it('should answer 400 INVALID_CURSOR, never 500, for a garbled, forged or foreign cursor', async () => {
      const unsigned = (key: string, id: string) =>
        Buffer.from(JSON.stringify([key, id])).toString('base64url');
      const page1 = await http()
        .get(`/api/v1/follow-ups?clientId=${clientA1}&limit=1`)
        .auth(org.peerA1.token, bearer)
        .expect(200);
      const [payload, mac] = (page1.body.nextCursor as string).split('.');
      for (const [token, cursor] of [
        [org.peerA1.token, 'garbage'],
        [org.peerA1.token, unsigned('yesterday', randomUUID())],
        [org.peerA1.token, unsigned(new Date().toISOString(), 'x')],
        [org.peerA1.token, `${unsigned('2000-01-01T00:00:00.000Z', randomUUID())}.${mac}`],
        [org.peerA1.token, `${payload}x.${mac}`],
        [org.supervisorA.token, page1.body.nextCursor],
      ]) {
        const res = await http()
          .get(`/api/v1/follow-ups?clientId=${clientA1}`)
          .query({ cursor })
          .auth(token, bearer);
        expect({ status: res.status, body: res.body }).toEqual({
          status: 400,
          body: INVALID_CURSOR,
        });
      }
    });

    it('should serve the mine, needs-assignment, due-today and overdue views', async () => {
      const unassigned = await createClient(t.dataSource, { organizationId: org.id });
      const orphanTasks = await discharge(unassigned, org.supervisorA.token, {
        levelOfCare: 'emergency_department',
      });
      const needs = await list(org.supervisorA.token, 'view=needs-assignment&limit=100');
      expect(new Set(needs.map((f) => f.id))).toEqual(new Set(orphanTasks.map((f) => f.id)));
      const mine = await list(org.peerA1.token, `view=mine&clientId=${clientA1}&limit=100`);
      expect(mine).toHaveLength(8);
      // Make one task due earlier today and one overdue since yesterday.
      await t.dataSource.query(
        `UPDATE follow_up SET window_start = now() - interval '1 day', due_at = now() - interval '1 second', window_end = now() + interval '1 hour' WHERE id = $1`,
        [tasksA1[1].id],
      );
      const overdue = await list(org.peerA1.token, `view=overdue&clientId=${clientA1}`);
      expect(overdue.map((f) => f.id)).toEqual([tasksA1[1].id]);
      await t.dataSource.query(
        `UPDATE follow_up SET due_at = (date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC') + interval '1 second' WHERE id = $1`,
        [tasksA1[1].id],
      );
      const today = await list(org.peerA1.token, `view=due-today&clientId=${clientA1}`);
      expect(today.map((f) => f.id)).toContain(tasksA1[1].id);
    });
  });

  describe('GET /api/v1/follow-ups/:id', () => {
    it('should answer 401 without a token', async () => {
      await http().get(`/api/v1/follow-ups/${tasksA1[0].id}`).expect(401);
    });

    it('should answer 404 alike for another team’s task and a missing one, and audit a read', async () => {
      const outside = await http()
        .get(`/api/v1/follow-ups/${tasksA1[0].id}`)
        .auth(org.peerB1.token, bearer)
        .expect(404);
      const missing = await http()
        .get(`/api/v1/follow-ups/${randomUUID()}`)
        .auth(org.peerB1.token, bearer)
        .expect(404);
      expect(outside.body).toEqual(problem(404, 'NOT_FOUND', 'Follow-up not found.'));
      expect(missing.body).toEqual(problem(404, 'NOT_FOUND', 'Follow-up not found.'));
      const res = await http()
        .get(`/api/v1/follow-ups/${tasksA1[0].id}`)
        .auth(org.supervisorA.token, bearer)
        .expect(200);
      expect(res.body).toMatchObject({ id: tasksA1[0].id, label: 'warm-handoff', version: 1 });
      expect(res.headers.etag).toBe('"1"');
      const [audit] = await t.dataSource.query(
        `SELECT action FROM audit_event WHERE resource_id = $1 AND actor_id = $2`,
        [tasksA1[0].id, org.supervisorA.id],
      );
      expect(audit).toEqual({ action: 'follow-up.read' });
    });
  });

  describe('actions', () => {
    it('should answer 401, 403 (admin) and 404 (outside scope) on every action', async () => {
      for (const action of ['start', 'complete', 'cancel', 'attempts']) {
        await http().post(`/api/v1/follow-ups/${tasksA1[2].id}/${action}`).send({}).expect(401);
        await act(org.admin.token, tasksA1[2].id, action).expect(403);
      }
      await act(org.peerB1.token, tasksA1[2].id, 'start').expect(404);
      await act(org.peerB1.token, tasksA1[2].id, 'complete', { outcome: 'reached' }).expect(404);
      await act(org.peerB1.token, tasksA1[2].id, 'cancel').expect(404);
      await act(org.peerB1.token, tasksA1[2].id, 'attempts', {
        method: 'phone',
        outcome: 'reached',
      }).expect(404);
    });

    it('should answer 400 with the exact errors for a bad completion or attempt', async () => {
      const c = await act(org.peerA1.token, tasksA1[2].id, 'complete', {
        outcome: 'great',
        sessionNoteId: 'x',
      }).expect(400);
      expect(c.body).toEqual(
        problem(400, 'VALIDATION_FAILED', 'The request is invalid.', [
          {
            field: 'outcome',
            message: 'outcome must be one of the following values: reached, declined, unreachable',
          },
          { field: 'sessionNoteId', message: 'sessionNoteId must be a UUID' },
        ]),
      );
      const a = await act(org.peerA1.token, tasksA1[2].id, 'attempts', { method: 'pigeon' }).expect(
        400,
      );
      expect(a.body.errors).toEqual([
        {
          field: 'method',
          message:
            'method must be one of the following values: phone, text, email, in_person, video',
        },
        {
          field: 'outcome',
          message:
            'outcome must be one of the following values: reached, left_message, unable_to_reach',
        },
      ]);
    });

    it('should answer 400 with the exact errors for a bad cancellation, and change nothing', async () => {
      const res = await act(org.peerA1.token, tasksA1[2].id, 'cancel', {
        reason: 'x'.repeat(501),
        extra: true,
      }).expect(400);
      expect(res.body).toEqual(
        problem(400, 'VALIDATION_FAILED', 'The request is invalid.', [
          { field: 'extra', message: 'property extra should not exist' },
          { field: 'reason', message: 'reason must be shorter than or equal to 500 characters' },
        ]),
      );
      // A wrong type is named as such, not as a length.
      const typed = await act(org.peerA1.token, tasksA1[2].id, 'cancel', { reason: 5 }).expect(400);
      expect(typed.body.errors).toEqual([{ field: 'reason', message: 'reason must be a string' }]);
      const [row] = await t.dataSource.query(
        `SELECT status, status_reason, version FROM follow_up WHERE id = $1`,
        [tasksA1[2].id],
      );
      expect(row).toEqual({ status: 'requested', status_reason: null, version: 1 });
    });

    it('should start then complete a task, and refuse illegal transitions with 409', async () => {
      const id = tasksA1[3].id;
      const started = await act(org.peerA1.token, id, 'start').expect(200);
      expect(started.body).toMatchObject({
        status: 'in-progress',
        startedAt: expect.any(String),
        version: 2,
      });
      const [stored] = await t.dataSource.query(
        `SELECT status, started_at, completed_at, version FROM follow_up WHERE id = $1`,
        [id],
      );
      expect(stored).toEqual({
        status: 'in-progress',
        started_at: new Date(started.body.startedAt),
        completed_at: null,
        version: 2,
      });
      const again = await act(org.peerA1.token, id, 'start').expect(409);
      expect(again.body).toEqual({
        ...problem(
          409,
          'INVALID_TRANSITION',
          'A follow-up cannot go from in-progress to in-progress.',
        ),
        from: 'in-progress',
        to: 'in-progress',
      });
      const done = await act(org.peerA1.token, id, 'complete', { outcome: 'reached' }).expect(200);
      expect(done.body).toMatchObject({
        status: 'completed',
        outcome: 'reached',
        completedAt: expect.any(String),
        sessionNoteId: null,
      });
      await act(org.peerA1.token, id, 'cancel').expect(409);
      const [row] = await t.dataSource.query(
        `SELECT status, outcome FROM follow_up WHERE id = $1`,
        [id],
      );
      expect(row).toEqual({ status: 'completed', outcome: 'reached' });
      const [client] = await t.dataSource.query(
        `SELECT last_contact_at FROM client WHERE id = $1`,
        [clientA1],
      );
      expect(client.last_contact_at).toBeInstanceOf(Date);
    });

    it('should link the session note that made the contact, and refuse another client’s note', async () => {
      const other = await createClient(t.dataSource, {
        organizationId: org.id,
        specialistId: org.peerA1.id,
      });
      const note = async (clientId: string): Promise<string> =>
        (
          await t.dataSource.query(
            `INSERT INTO session_note (organization_id, client_id, author_id, started_at, ended_at, contact_type, format)
             VALUES ($1, $2, $3, now() - interval '1 hour', now(), 'phone', 'narrative') RETURNING id`,
            [org.id, clientId, org.peerA1.id],
          )
        )[0].id;
      const foreign = await act(org.peerA1.token, tasksA1[4].id, 'complete', {
        outcome: 'reached',
        sessionNoteId: await note(other),
      }).expect(400);
      expect(foreign.body).toEqual(
        problem(400, 'VALIDATION_FAILED', 'The request is invalid.', [
          {
            field: 'sessionNoteId',
            message: 'sessionNoteId must be a session note of this client',
          },
        ]),
      );
      const noteId = await note(clientA1);
      const res = await act(org.peerA1.token, tasksA1[4].id, 'complete', {
        outcome: 'reached',
        sessionNoteId: noteId,
      }).expect(200);
      expect(res.body).toMatchObject({ status: 'completed', sessionNoteId: noteId });
    });

    it('should close a task as failed when completed as unreachable, and cancel with a reason', async () => {
      const failed = await act(org.peerA1.token, tasksA1[5].id, 'complete', {
        outcome: 'unreachable',
      }).expect(200);
      expect(failed.body).toMatchObject({ status: 'failed', outcome: 'unreachable' });
      // Closing a task as unreachable escalates to the supervisors, through the outbox.
      expect(
        await t.dataSource.query(`SELECT job_name FROM outbox WHERE job_id = $1`, [
          `followup-unreachable.${tasksA1[5].id}`,
        ]),
      ).toEqual([{ job_name: 'follow-up.escalation' }]);
      const cancelled = await act(org.supervisorA.token, tasksA1[6].id, 'cancel', {
        reason: 'client moved out of state',
      }).expect(200);
      expect(cancelled.body).toMatchObject({
        status: 'cancelled',
        statusReason: 'client moved out of state',
      });
      const [row] = await t.dataSource.query(
        `SELECT status, status_reason, completed_at, version FROM follow_up WHERE id = $1`,
        [tasksA1[6].id],
      );
      expect(row).toEqual({
        status: 'cancelled',
        status_reason: 'client moved out of state',
        completed_at: null,
        version: 2,
      });
    });

    it('should record attempts and schedule one escalation at the third "unable to reach"', async () => {
      const id = tasksA1[7].id;
      const first = await act(org.peerA1.token, id, 'attempts', {
        method: 'phone',
        outcome: 'unable_to_reach',
        note: 'voicemail full',
      }).expect(200);
      expect(first.body).toMatchObject({ status: 'in-progress', unreachableAttempts: 1 });
      expect(first.body.attempts).toEqual([
        {
          id: expect.any(String),
          method: 'phone',
          outcome: 'unable_to_reach',
          note: 'voicemail full',
          authorId: org.peerA1.id,
          attemptedAt: expect.any(String),
        },
      ]);
      const storedAttempts = () =>
        t.dataSource.query(
          `SELECT organization_id, client_id, method, outcome, note, author_id FROM follow_up_attempt
            WHERE follow_up_id = $1 ORDER BY attempted_at, id`,
          [id],
        );
      const storedTask = async () =>
        (
          await t.dataSource.query(
            `SELECT status, unreachable_attempts, started_at IS NOT NULL AS started FROM follow_up WHERE id = $1`,
            [id],
          )
        )[0];
      expect(await storedAttempts()).toEqual([
        {
          organization_id: org.id,
          client_id: clientA1,
          method: 'phone',
          outcome: 'unable_to_reach',
          note: 'voicemail full',
          author_id: org.peerA1.id,
        },
      ]);
      expect(await storedTask()).toEqual({
        status: 'in-progress',
        unreachable_attempts: 1,
        started: true,
      });
      const escalations = async () =>
        (
          await t.dataSource.query(`SELECT count(*)::int AS n FROM outbox WHERE job_id = $1`, [
            `followup-unreachable.${id}`,
          ])
        )[0].n;
      await act(org.peerA1.token, id, 'attempts', {
        method: 'text',
        outcome: 'left_message',
      }).expect(200);
      await act(org.peerA1.token, id, 'attempts', {
        method: 'text',
        outcome: 'unable_to_reach',
      }).expect(200);
      expect(await escalations()).toBe(0);
      const third = await act(org.peerA1.token, id, 'attempts', {
        method: 'phone',
        outcome: 'unable_to_reach',
      }).expect(200);
      expect(third.body).toMatchObject({ unreachableAttempts: 3 });
      expect(third.body.attempts).toHaveLength(4);
      expect(await escalations()).toBe(1);
      expect((await storedAttempts()).map((a: { outcome: string }) => a.outcome)).toEqual([
        'unable_to_reach',
        'left_message',
        'unable_to_reach',
        'unable_to_reach',
      ]);
      expect(await storedTask()).toEqual({
        status: 'in-progress',
        unreachable_attempts: 3,
        started: true,
      });
      await act(org.peerA1.token, id, 'attempts', {
        method: 'phone',
        outcome: 'unable_to_reach',
      }).expect(200);
      expect(await escalations()).toBe(1);
    });
  });

  describe('closing the client', () => {
    it('should cancel the open and held tasks when FollowUpsService.cancelOpenForClient runs', async () => {
      const { FollowUpsService } = await import('../../src/modules/follow-ups/follow-ups.service');
      const client = await createClient(t.dataSource, {
        organizationId: org.id,
        specialistId: org.peerA2.id,
      });
      const tasks = await discharge(client, org.peerA2.token, { levelOfCare: 'outpatient' });
      await act(org.peerA2.token, tasks[0].id, 'complete', { outcome: 'reached' }).expect(200);
      const sut = t.app.get(FollowUpsService);
      const cancelled = await t.dataSource.transaction((m) => sut.cancelOpenForClient(m, client));
      expect(cancelled).toHaveLength(4);
      const rows = await t.dataSource.query(
        `SELECT status, count(*)::int AS n FROM follow_up WHERE client_id = $1 GROUP BY status ORDER BY status`,
        [client],
      );
      expect(rows).toEqual([
        { status: 'cancelled', n: 4 },
        { status: 'completed', n: 1 },
      ]);
    });

    it('should hand the open tasks to the new primary specialist when reassignOpenForClient runs', async () => {
      const { FollowUpsService } = await import('../../src/modules/follow-ups/follow-ups.service');
      const client = await createClient(t.dataSource, {
        organizationId: org.id,
        specialistId: org.peerA2.id,
      });
      const tasks = await discharge(client, org.peerA2.token, { levelOfCare: 'outpatient' });
      await act(org.peerA2.token, tasks[0].id, 'complete', { outcome: 'reached' }).expect(200);
      await t.dataSource.transaction((m) =>
        t.app.get(FollowUpsService).reassignOpenForClient(m, client, null),
      );
      const rows = await t.dataSource.query(
        `SELECT status, owner_id, count(*)::int AS n FROM follow_up WHERE client_id = $1 GROUP BY 1, 2 ORDER BY 1`,
        [client],
      );
      expect(rows).toEqual([
        { status: 'completed', owner_id: org.peerA2.id, n: 1 },
        { status: 'requested', owner_id: null, n: 4 },
      ]);
    });
  });
});
