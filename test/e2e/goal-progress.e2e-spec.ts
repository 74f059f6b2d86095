import { randomUUID } from 'node:crypto';

import request from 'supertest';
import { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner';

import { createClient } from '../factories/client.factory';
import { createTestOrg, TestOrg } from '../factories/people.factory';
import { createGoal, createPlan } from '../factories/recovery-plan.factory';
import { createNote } from '../factories/session-note.factory';
import { countAuditEvents } from '../helpers/audit';
import { bearer } from '../helpers/http';
import { INVALID_CURSOR, problem } from '../helpers/problem';
import { createTestApp, TestApp } from '../setup/create-test-app';

describe('goal progress: notes by goal, notes count and last addressed (e2e)', () => {
  let t: TestApp;
  let org: TestOrg;
  let mine: string; // peerA1's client
  let theirs: string; // peerB1's client
  let goalId: string;
  let otherGoalId: string;
  let theirGoalId: string;
  let planId: string;
  const noteIds: string[] = [];
  const http = () => request(t.app.getHttpServer());

  beforeAll(async () => {
    t = await createTestApp();
    org = await createTestOrg(t.app);
    mine = await createClient(t.dataSource, {
      organizationId: org.id,
      specialistId: org.peerA1.id,
    });
    theirs = await createClient(t.dataSource, {
      organizationId: org.id,
      specialistId: org.peerB1.id,
    });
    planId = (await createPlan(t.dataSource, { id: mine, organizationId: org.id })).id;
    goalId = (await createGoal(t.dataSource, { id: planId })).id;
    otherGoalId = (await createGoal(t.dataSource, { id: planId })).id;
    const theirPlan = await createPlan(t.dataSource, { id: theirs, organizationId: org.id });
    theirGoalId = (await createGoal(t.dataSource, theirPlan)).id;
    const base = { organizationId: org.id, clientId: mine, authorId: org.peerA1.id };
    // Three notes address the goal (one signed), one addresses only the other goal.
    for (const [day, goals, status] of [
      [1, [goalId], 'signed'],
      [3, [goalId, otherGoalId], 'draft'],
      [5, [otherGoalId], 'draft'],
    ] as const) {
      noteIds.push(
        await createNote(t.dataSource, {
          ...base,
          startedAt: new Date(`2026-03-0${day}T15:00:00Z`),
          goalIds: [...goals],
          status,
        }),
      );
    }
    await createNote(t.dataSource, {
      organizationId: org.id,
      clientId: theirs,
      authorId: org.peerB1.id,
      goalIds: [theirGoalId],
    });
  });
  afterAll(() => t.close());

  describe('GET /api/v1/session-notes?goalId=', () => {
    const url = (goal: string, extra = '') => `/api/v1/session-notes?goalId=${goal}${extra}`;

    it('should answer 401 without a token', async () => {
      await http().get(url(goalId)).expect(401);
    });

    it('should answer 403 to an admin (notes are clinical narrative)', async () => {
      const res = await http().get(url(goalId)).auth(org.admin.token, bearer).expect(403);
      expect(res.body).toEqual(problem(403, 'FORBIDDEN', 'Your role may not perform this action.'));
    });

    it('should answer 404 for a goal outside the caller’s scope, exactly as for none', async () => {
      const out = await http().get(url(theirGoalId)).auth(org.peerA1.token, bearer).expect(404);
      const none = await http().get(url(randomUUID())).auth(org.peerA1.token, bearer).expect(404);
      expect(out.body).toEqual(problem(404, 'NOT_FOUND', 'Goal not found.'));
      expect(none.body).toEqual(problem(404, 'NOT_FOUND', 'Goal not found.'));
    });

    it('should answer 400 for a malformed goalId, limit=101 and a foreign cursor', async () => {
      const bad = await http().get(url('nope')).auth(org.peerA1.token, bearer).expect(400);
      expect(bad.body).toEqual(
        problem(400, 'VALIDATION_FAILED', 'The request is invalid.', [
          { field: 'goalId', message: 'goalId must be a UUID' },
        ]),
      );
      const big = await http()
        .get(url(goalId, '&limit=101'))
        .auth(org.peerA1.token, bearer)
        .expect(400);
      expect(big.body.errors).toEqual([
        { field: 'limit', message: 'limit must not be greater than 100' },
      ]);
      const page = await http()
        .get(url(goalId, '&limit=1'))
        .auth(org.peerA1.token, bearer)
        .expect(200);
      const foreign = await http()
        .get(url(goalId, `&cursor=${page.body.nextCursor}`))
        .auth(org.supervisorA.token, bearer)
        .expect(400);
      expect(foreign.body).toEqual(INVALID_CURSOR);
    });

    it('should list the notes that addressed the goal, newest session first, paged and audited', async () => {
      const first = await http()
        .get(url(goalId, '&limit=1'))
        .auth(org.peerA1.token, bearer)
        .expect(200);
      expect(first.body.items.map((n: { id: string }) => n.id)).toEqual([noteIds[1]]);
      expect(first.body.items[0].goalIds).toEqual([goalId, otherGoalId]);
      const second = await http()
        .get(url(goalId, `&limit=1&cursor=${first.body.nextCursor}`))
        .auth(org.peerA1.token, bearer)
        .expect(200);
      expect(second.body.items.map((n: { id: string }) => n.id)).toEqual([noteIds[0]]);
      expect(second.body.nextCursor).toBeNull();
      const signedOnly = await http()
        .get(url(goalId, '&status=signed'))
        .auth(org.peerA1.token, bearer)
        .expect(200);
      expect(signedOnly.body.items.map((n: { id: string }) => n.id)).toEqual([noteIds[0]]);
      // The supervisor of the client's specialist sees the same notes.
      const sup = await http().get(url(goalId)).auth(org.supervisorA.token, bearer).expect(200);
      expect(sup.body.items.map((n: { id: string }) => n.id)).toEqual([noteIds[1], noteIds[0]]);
      expect(
        await countAuditEvents(t.dataSource, {
          actorId: org.supervisorA.id,
          action: 'session-note.list',
          clientId: mine,
        }),
      ).toBe(1);
    });
  });

  describe('notesCount and lastAddressedAt on goals', () => {
    it('should show how many notes addressed a goal and when last, on read and list', async () => {
      const res = await http()
        .get(`/api/v1/goals/${goalId}`)
        .auth(org.peerA1.token, bearer)
        .expect(200);
      expect(res.body).toEqual(
        expect.objectContaining({
          id: goalId,
          notesCount: 2,
          lastAddressedAt: '2026-03-03T15:00:00.000Z',
        }),
      );
      const list = await http()
        .get(`/api/v1/recovery-plans/${planId}/goals`)
        .auth(org.peerA1.token, bearer)
        .expect(200);
      const byId = new Map(
        list.body.items.map((g: { id: string; notesCount: number; lastAddressedAt: string }) => [
          g.id,
          [g.notesCount, g.lastAddressedAt],
        ]),
      );
      expect(byId.get(goalId)).toEqual([2, '2026-03-03T15:00:00.000Z']);
      expect(byId.get(otherGoalId)).toEqual([2, '2026-03-05T15:00:00.000Z']);
    });

    it('should show zero and null for a goal no note addressed, and count a new note at once', async () => {
      const fresh = (await createGoal(t.dataSource, { id: planId })).id;
      const before = await http()
        .get(`/api/v1/goals/${fresh}`)
        .auth(org.peerA1.token, bearer)
        .expect(200);
      expect(before.body).toEqual(
        expect.objectContaining({ notesCount: 0, lastAddressedAt: null }),
      );
      await http()
        .post(`/api/v1/clients/${mine}/session-notes`)
        .auth(org.peerA1.token, bearer)
        .send({
          startedAt: '2026-03-07T15:00:00Z',
          endedAt: '2026-03-07T15:30:00Z',
          contactType: 'phone',
          format: 'narrative',
          sections: { narrative: 'Talked through the first step of the goal.' },
          goalIds: [fresh],
        })
        .expect(201);
      const after = await http()
        .get(`/api/v1/goals/${fresh}`)
        .auth(org.peerA1.token, bearer)
        .expect(200);
      expect(after.body).toEqual(
        expect.objectContaining({ notesCount: 1, lastAddressedAt: '2026-03-07T15:00:00.000Z' }),
      );
    });

    it('should read a page of goals with their progress in one statement (no query per goal)', async () => {
      for (let i = 0; i < 5; i++) await createGoal(t.dataSource, { id: planId });
      const spy = jest.spyOn(PostgresQueryRunner.prototype, 'query');
      let statements: string[];
      try {
        const list = await http()
          .get(`/api/v1/recovery-plans/${planId}/goals?limit=100`)
          .auth(org.peerA1.token, bearer)
          .expect(200);
        expect(list.body.items.length).toBeGreaterThanOrEqual(8);
        statements = spy.mock.calls.map(([sql]) => String(sql));
      } finally {
        spy.mockRestore();
      }
      const goalReads = statements.filter((q) => /FROM "goal"/.test(q));
      expect(goalReads).toHaveLength(1);
      expect(goalReads[0]).toContain('session_note');
      expect(
        statements.filter((q) => /FROM session_note n WHERE/.test(q) && !/"goal"/.test(q)),
      ).toHaveLength(0);
    });
  });
});
