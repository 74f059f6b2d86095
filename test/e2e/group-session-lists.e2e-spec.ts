import request from 'supertest';

import { countAuditEvents } from '../helpers/audit';
import { bearer } from '../helpers/http';
import { INVALID_CURSOR, problem } from '../helpers/problem';
import { createTestApp, TestApp } from '../setup/create-test-app';
import { createClient } from '../factories/client.factory';
import { createTestOrg, TestOrg } from '../factories/people.factory';

describe('group sessions: list, draft corrections and signing (e2e)', () => {
  let t: TestApp;
  let org: TestOrg;
  let a1: string; // peerA1's client
  let a3: string; // peerA2's client (same team)
  let b1: string; // peerB1's client (other team)
  let mixedId: string; // supervisorA's group: a1 and a3
  let ownId: string; // peerB1's group: b1 only
  const http = () => request(t.app.getHttpServer());
  const create = async (
    token: string,
    attendees: { clientId: string; participation: string }[],
    startedAt: string,
  ): Promise<{ id: string; version: number }> => {
    const endedAt = new Date(new Date(startedAt).getTime() + 3600_000).toISOString();
    const res = await http()
      .post('/api/v1/group-sessions')
      .auth(token, bearer)
      .send({ topic: 'Coping with cravings', startedAt, endedAt, attendees })
      .expect(201);
    return res.body;
  };

  beforeAll(async () => {
    t = await createTestApp();
    org = await createTestOrg(t.app);
    a1 = await createClient(t.dataSource, { organizationId: org.id, specialistId: org.peerA1.id });
    a3 = await createClient(t.dataSource, { organizationId: org.id, specialistId: org.peerA2.id });
    b1 = await createClient(t.dataSource, { organizationId: org.id, specialistId: org.peerB1.id });
    mixedId = (
      await create(
        org.supervisorA.token,
        [
          { clientId: a1, participation: 'Entry for a1.' },
          { clientId: a3, participation: 'Entry for a3.' },
        ],
        '2026-02-02T17:00:00Z',
      )
    ).id;
    ownId = (
      await create(
        org.peerB1.token,
        [{ clientId: b1, participation: 'Entry for b1.' }],
        '2026-02-01T17:00:00Z',
      )
    ).id;
  });
  afterAll(() => t.close());

  describe('GET /api/v1/group-sessions', () => {
    it('should answer 401 without a token', async () => {
      await http().get('/api/v1/group-sessions').expect(401);
    });

    it('should answer 403 to an admin (participation entries are clinical narrative)', async () => {
      const res = await http().get('/api/v1/group-sessions').auth(org.admin.token, bearer);
      expect(res.status).toBe(403);
      expect(res.body).toEqual(problem(403, 'FORBIDDEN', 'Your role may not perform this action.'));
    });

    it('should answer 400 for limit=101 and for a foreign cursor', async () => {
      const res = await http()
        .get('/api/v1/group-sessions?limit=101')
        .auth(org.peerA1.token, bearer)
        .expect(400);
      expect(res.body).toEqual(
        problem(400, 'VALIDATION_FAILED', 'The request is invalid.', [
          { field: 'limit', message: 'limit must not be greater than 100' },
        ]),
      );
      const page = await http()
        .get('/api/v1/group-sessions?limit=1')
        .auth(org.supervisorA.token, bearer)
        .expect(200);
      const foreign = await http()
        .get(`/api/v1/group-sessions?cursor=${page.body.nextCursor}`)
        .auth(org.peerA1.token, bearer)
        .expect(400);
      expect(foreign.body).toEqual(INVALID_CURSOR);
    });

    it('should show a peer only the groups with a client in scope, and only those attendees', async () => {
      const res = await http()
        .get('/api/v1/group-sessions')
        .auth(org.peerA1.token, bearer)
        .expect(200);
      expect(res.body.items.find((g: { id: string }) => g.id === mixedId)).toEqual(
        expect.objectContaining({
          id: mixedId,
          facilitatorId: org.supervisorA.id,
          attendees: [{ clientId: a1, attendance: 'attended', participation: 'Entry for a1.' }],
          status: 'draft',
        }),
      );
      const text = JSON.stringify(res.body);
      expect(text).not.toContain(a3);
      expect(text).not.toContain('Entry for a3');
      expect(text).not.toContain(ownId);
      expect(
        await countAuditEvents(t.dataSource, {
          actorId: org.peerA1.id,
          action: 'group-session.list',
          clientId: a1,
        }),
      ).toBe(1);
      expect(
        await countAuditEvents(t.dataSource, {
          actorId: org.peerA1.id,
          action: 'group-session.list',
          clientId: a3,
        }),
      ).toBe(0);
    });

    it('should show a facilitator their own groups and a supervisor their teams’, paged newest first', async () => {
      const own = await http()
        .get('/api/v1/group-sessions')
        .auth(org.peerB1.token, bearer)
        .expect(200);
      expect(own.body.items.map((g: { id: string }) => g.id)).toEqual([ownId]);
      const sup = await http()
        .get('/api/v1/group-sessions?limit=100')
        .auth(org.supervisorA.token, bearer)
        .expect(200);
      const mixed = sup.body.items.find((g: { id: string }) => g.id === mixedId);
      expect(mixed.attendees.map((a: { clientId: string }) => a.clientId)).toEqual([a1, a3].sort());
      // supervisorA sees no attendee of peerB1's group and facilitated none of it.
      expect(sup.body.items.map((g: { id: string }) => g.id)).not.toContain(ownId);
      const supB = await http()
        .get('/api/v1/group-sessions')
        .auth(org.supervisorB.token, bearer)
        .expect(200);
      expect(supB.body.items.map((g: { id: string }) => g.id)).toEqual([ownId]);
    });

    it('should page across groups newest first without repeating one', async () => {
      await create(
        org.peerA1.token,
        [{ clientId: a1, participation: 'Second group.' }],
        '2026-02-03T17:00:00Z',
      );
      const all = await http()
        .get('/api/v1/group-sessions?limit=100')
        .auth(org.peerA1.token, bearer)
        .expect(200);
      expect(all.body.items.length).toBeGreaterThanOrEqual(2);
      const starts = all.body.items.map((g: { startedAt: string }) => g.startedAt);
      expect([...starts].sort().reverse()).toEqual(starts);
      const walked: string[] = [];
      let cursor: string | null = null;
      do {
        const page: request.Response = await http()
          .get(`/api/v1/group-sessions?limit=1${cursor ? `&cursor=${cursor}` : ''}`)
          .auth(org.peerA1.token, bearer)
          .expect(200);
        walked.push(...page.body.items.map((g: { id: string }) => g.id));
        cursor = page.body.nextCursor;
      } while (cursor);
      expect(walked).toEqual(all.body.items.map((g: { id: string }) => g.id));
    });
  });

  describe('PATCH /api/v1/group-sessions/:id and POST .../sign', () => {
    let draft: { id: string; version: number };
    beforeEach(async () => {
      draft = await create(
        org.peerA1.token,
        [{ clientId: a1, participation: 'First entry.' }],
        '2026-02-05T17:00:00Z',
      );
    });
    const patch = (id: string, token: string, etag: string | null, body: object) => {
      const req = http().patch(`/api/v1/group-sessions/${id}`).auth(token, bearer);
      if (etag !== null) req.set('If-Match', etag);
      return req.send(body);
    };

    it('should answer 401 without a token', async () => {
      await http()
        .patch(`/api/v1/group-sessions/${draft.id}`)
        .set('If-Match', '"1"')
        .send({ topic: 'x' })
        .expect(401);
    });

    it('should answer 403 to an admin, and to a reader who did not run the group', async () => {
      const admin = await patch(draft.id, org.admin.token, '"1"', { topic: 'x' });
      expect(admin.status).toBe(403);
      const supervisor = await patch(draft.id, org.supervisorA.token, '"1"', { topic: 'x' });
      expect(supervisor.status).toBe(403);
      expect(supervisor.body).toEqual(
        problem(
          403,
          'FORBIDDEN',
          'Only the facilitator or the person who recorded it may change or sign this group.',
        ),
      );
    });

    it('should answer 404 to someone outside its scope', async () => {
      const res = await patch(draft.id, org.peerB1.token, '"1"', { topic: 'x' });
      expect(res.status).toBe(404);
      expect(res.body).toEqual(problem(404, 'NOT_FOUND', 'Group session not found.'));
      const sign = await http()
        .post(`/api/v1/group-sessions/${draft.id}/sign`)
        .auth(org.peerB1.token, bearer)
        .expect(404);
      expect(sign.body).toEqual(problem(404, 'NOT_FOUND', 'Group session not found.'));
    });

    it('should answer 400 with the exact errors, 428 without If-Match', async () => {
      const bad = await patch(draft.id, org.peerA1.token, '"1"', {
        topic: '',
        attendees: [{ clientId: 'nope', participation: ' ' }],
        extra: true,
      });
      expect(bad.status).toBe(400);
      expect(bad.body).toEqual(
        problem(400, 'VALIDATION_FAILED', 'The request is invalid.', [
          { field: 'attendees.0.clientId', message: 'clientId must be a UUID' },
          { field: 'attendees.0.participation', message: 'participation must not be blank' },
          { field: 'extra', message: 'property extra should not exist' },
          { field: 'topic', message: 'topic must be longer than or equal to 1 characters' },
        ]),
      );
      const period = await patch(draft.id, org.peerA1.token, '"1"', {
        endedAt: '2026-02-05T16:00:00Z',
      });
      expect(period.status).toBe(400);
      expect(period.body.errors).toEqual([
        { field: 'endedAt', message: 'endedAt must not be before startedAt' },
      ]);
      const missing = await patch(draft.id, org.peerA1.token, null, { topic: 'x' });
      expect(missing.status).toBe(428);
      const [row] = await t.dataSource.query(`SELECT version FROM group_session WHERE id = $1`, [
        draft.id,
      ]);
      expect(row.version).toBe(1);
    });

    it('should refuse an attendee outside the caller’s scope with 404, changing nothing', async () => {
      const res = await patch(draft.id, org.peerA1.token, '"1"', {
        topic: 'Should not stick',
        attendees: [{ clientId: b1, participation: 'Not mine.' }],
      });
      expect(res.status).toBe(404);
      expect(res.body).toEqual(problem(404, 'NOT_FOUND', 'Client not found.'));
      const rows = await t.dataSource.query(
        `SELECT topic, version FROM group_session WHERE id = $1`,
        [draft.id],
      );
      expect(rows).toEqual([{ topic: 'Coping with cravings', version: 1 }]);
    });

    it('should correct a draft under If-Match, stored and audited', async () => {
      const res = await patch(draft.id, org.peerA1.token, '"1"', {
        topic: 'Coping with cravings, part 2',
        startedAt: '2026-02-05T16:30:00Z',
        attendees: [{ clientId: a1, participation: 'Corrected entry.', attendance: 'partial' }],
      });
      expect(res.status).toBe(200);
      expect(res.headers.etag).toBe('"2"');
      expect(res.body).toEqual(
        expect.objectContaining({
          id: draft.id,
          topic: 'Coping with cravings, part 2',
          startedAt: '2026-02-05T16:30:00.000Z',
          endedAt: '2026-02-05T18:00:00.000Z',
          durationMinutes: 90,
          attendees: [{ clientId: a1, attendance: 'partial', participation: 'Corrected entry.' }],
          status: 'draft',
          signedAt: null,
          version: 2,
        }),
      );
      const [session] = await t.dataSource.query(
        `SELECT topic, started_at, version FROM group_session WHERE id = $1`,
        [draft.id],
      );
      expect(session).toEqual({
        topic: 'Coping with cravings, part 2',
        started_at: new Date('2026-02-05T16:30:00Z'),
        version: 2,
      });
      const attendees = await t.dataSource.query(
        `SELECT client_id, attendance, participation, session_started_at FROM group_session_attendee
         WHERE group_session_id = $1`,
        [draft.id],
      );
      expect(attendees).toEqual([
        {
          client_id: a1,
          attendance: 'partial',
          participation: 'Corrected entry.',
          session_started_at: new Date('2026-02-05T16:30:00Z'),
        },
      ]);
      expect(
        await countAuditEvents(t.dataSource, {
          action: 'group-session.update',
          resourceId: draft.id,
          clientId: a1,
        }),
      ).toBe(1);
    });

    it('should let exactly one of 20 parallel PATCHes with one ETag win; the rest 412', async () => {
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          patch(draft.id, org.peerA1.token, '"1"', { topic: `Race ${i}` }),
        ),
      );
      const statuses = results.map((r) => r.status).sort();
      expect(statuses).toEqual([200, ...Array(19).fill(412)]);
      expect(results.find((r) => r.status === 412)?.body).toEqual(
        problem(
          412,
          'PRECONDITION_FAILED',
          'The record changed since you read it; reload and retry.',
        ),
      );
      const [row] = await t.dataSource.query(`SELECT version FROM group_session WHERE id = $1`, [
        draft.id,
      ]);
      expect(row.version).toBe(2);
    });

    it('should sign a draft once (50 parallel signs: one 200), then refuse edits with 409', async () => {
      const signs = await Promise.all(
        Array.from({ length: 50 }, () =>
          http().post(`/api/v1/group-sessions/${draft.id}/sign`).auth(org.peerA1.token, bearer),
        ),
      );
      const statuses = signs.map((r) => r.status).sort();
      expect(statuses).toEqual([200, ...Array(49).fill(409)]);
      const signed = signs.find((r) => r.status === 200)!;
      expect(signed.body).toEqual(
        expect.objectContaining({ status: 'signed', signedAt: expect.any(String), version: 2 }),
      );
      expect(
        await countAuditEvents(t.dataSource, {
          action: 'group-session.sign',
          resourceId: draft.id,
        }),
      ).toBe(1);
      const res = await patch(draft.id, org.peerA1.token, '"2"', { topic: 'Too late' });
      expect(res.status).toBe(409);
      expect(res.body).toEqual(
        problem(409, 'GROUP_SESSION_ALREADY_SIGNED', 'The group session is signed and locked.'),
      );
      const [row] = await t.dataSource.query(
        `SELECT topic, status, version FROM group_session WHERE id = $1`,
        [draft.id],
      );
      expect(row).toEqual({ topic: 'Coping with cravings', status: 'signed', version: 2 });
    });
  });
});
