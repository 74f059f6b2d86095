import request from 'supertest';

import { countAuditEvents } from '../helpers/audit';
import { createTestApp, TestApp } from '../setup/create-test-app';
import { createClient } from '../factories/client.factory';
import { createTestOrg, TestOrg } from '../factories/people.factory';
import { INVALID_CURSOR, problem } from '../helpers/problem';

describe('group sessions (e2e)', () => {
  let t: TestApp;
  let org: TestOrg;
  let a1: string; // peerA1
  let a2: string; // peerA1
  let a3: string; // peerA2 (same team)
  let b1: string; // peerB1
  const http = () => request(t.app.getHttpServer());
  const group = (
    attendees: { clientId: string; participation: string }[],
    over: Record<string, unknown> = {},
  ) => ({
    topic: 'Building a recovery support network',
    startedAt: '2026-01-10T17:00:00Z',
    endedAt: '2026-01-10T18:30:00Z',
    attendees,
    ...over,
  });

  beforeAll(async () => {
    t = await createTestApp();
    org = await createTestOrg(t.app);
    a1 = await createClient(t.dataSource, { organizationId: org.id, specialistId: org.peerA1.id });
    a2 = await createClient(t.dataSource, { organizationId: org.id, specialistId: org.peerA1.id });
    a3 = await createClient(t.dataSource, { organizationId: org.id, specialistId: org.peerA2.id });
    b1 = await createClient(t.dataSource, { organizationId: org.id, specialistId: org.peerB1.id });
  });
  afterAll(() => t.close());

  describe('POST /api/v1/group-sessions', () => {
    it('should answer 401 without a token', async () => {
      await http()
        .post('/api/v1/group-sessions')
        .send(group([{ clientId: a1, participation: 'x' }]))
        .expect(401);
    });

    it('should answer 403 for an admin', async () => {
      await http()
        .post('/api/v1/group-sessions')
        .auth(org.admin.token, { type: 'bearer' })
        .send(group([{ clientId: a1, participation: 'x' }]))
        .expect(403);
    });

    it('should answer 404 when any attendee is outside the caller’s scope, and create nothing', async () => {
      const body = group(
        [
          { clientId: a1, participation: 'x' },
          { clientId: b1, participation: 'y' },
        ],
        { topic: 'scope-check' },
      );
      const res = await http()
        .post('/api/v1/group-sessions')
        .auth(org.peerA1.token, { type: 'bearer' })
        .send(body)
        .expect(404);
      expect(res.body).toEqual(problem(404, 'NOT_FOUND', 'Client not found.'));
      const rows = await t.dataSource.query(
        `SELECT 1 FROM group_session WHERE topic = 'scope-check'`,
      );
      expect(rows).toEqual([]);
    });

    it('should answer 400 with the exact errors', async () => {
      const res = await http()
        .post('/api/v1/group-sessions')
        .auth(org.peerA1.token, { type: 'bearer' })
        .send(group([{ clientId: 'nope', participation: ' ' }], { topic: '' }))
        .expect(400);
      expect(res.body).toEqual(
        problem(400, 'VALIDATION_FAILED', 'The request is invalid.', [
          { field: 'attendees.0.clientId', message: 'clientId must be a UUID' },
          { field: 'attendees.0.participation', message: 'participation must not be blank' },
          { field: 'topic', message: 'topic must be longer than or equal to 1 characters' },
        ]),
      );
      const dup = await http()
        .post('/api/v1/group-sessions')
        .auth(org.peerA1.token, { type: 'bearer' })
        .send(
          group([
            { clientId: a1, participation: 'x' },
            { clientId: a1, participation: 'y' },
          ]),
        )
        .expect(400);
      expect(dup.body.errors).toEqual([
        { field: 'attendees', message: 'each client may be listed once' },
      ]);
    });

    it('should create the group with one participation entry per attendee', async () => {
      const body = group([
        { clientId: a1, participation: 'Shared a goal for the week.' },
        { clientId: a2, participation: 'Listened; asked about meetings.' },
      ]);
      const res = await http()
        .post('/api/v1/group-sessions')
        .auth(org.peerA1.token, { type: 'bearer' })
        .send(body)
        .expect(201);
      expect(res.body).toEqual({
        id: expect.any(String),
        topic: body.topic,
        facilitatorId: org.peerA1.id,
        setting: null,
        startedAt: '2026-01-10T17:00:00.000Z',
        endedAt: '2026-01-10T18:30:00.000Z',
        durationMinutes: 90,
        attendees: [
          { clientId: a1, attendance: 'attended', participation: 'Shared a goal for the week.' },
          {
            clientId: a2,
            attendance: 'attended',
            participation: 'Listened; asked about meetings.',
          },
        ],
        status: 'draft',
        signedAt: null,
        version: 1,
        createdAt: expect.any(String),
      });
      const rows = await t.dataSource.query(
        `SELECT client_id FROM group_session_attendee WHERE group_session_id = $1 ORDER BY participation`,
        [res.body.id],
      );
      expect(rows.map((r: { client_id: string }) => r.client_id).sort()).toEqual([a1, a2].sort());
      const audits = await t.dataSource.query(
        `SELECT client_id FROM audit_event WHERE resource_id = $1 AND action = 'group-session.create'`,
        [res.body.id],
      );
      expect(audits).toHaveLength(2);
    });
  });

  describe('GET /api/v1/group-sessions/:id and /clients/:id/group-participation', () => {
    let groupId: string;
    beforeAll(async () => {
      // The supervisor runs a group for two specialists' clients.
      const body = group(
        [
          { clientId: a1, participation: 'Entry for a1 only.' },
          { clientId: a3, participation: 'Entry for a3 only.' },
        ],
        { startedAt: '2026-01-12T17:00:00Z', endedAt: '2026-01-12T18:00:00Z' },
      );
      groupId = (
        await http()
          .post('/api/v1/group-sessions')
          .auth(org.supervisorA.token, { type: 'bearer' })
          .send(body)
          .expect(201)
      ).body.id;
    });

    it('should answer 401 and 403 (admin)', async () => {
      await http().get(`/api/v1/group-sessions/${groupId}`).expect(401);
      await http()
        .get(`/api/v1/clients/${a1}/group-participation`)
        .auth(org.admin.token, { type: 'bearer' })
        .expect(403);
    });

    it('should answer 401 without a token on the participation list', async () => {
      await http().get(`/api/v1/clients/${a1}/group-participation`).expect(401);
    });

    it('should answer 403 to an admin reading a group session', async () => {
      const res = await http()
        .get(`/api/v1/group-sessions/${groupId}`)
        .auth(org.admin.token, { type: 'bearer' })
        .expect(403);
      expect(res.body).toEqual(problem(403, 'FORBIDDEN', 'Your role may not perform this action.'));
    });

    it('should answer 404 to someone who sees no attendee', async () => {
      const res = await http()
        .get(`/api/v1/group-sessions/${groupId}`)
        .auth(org.peerB1.token, { type: 'bearer' })
        .expect(404);
      expect(res.body).toEqual(problem(404, 'NOT_FOUND', 'Group session not found.'));
      await http()
        .get(`/api/v1/clients/${a1}/group-participation`)
        .auth(org.peerB1.token, { type: 'bearer' })
        .expect(404);
    });

    it('should answer 400 for a bad cursor', async () => {
      const res = await http()
        .get(`/api/v1/clients/${a1}/group-participation?cursor=zzz`)
        .auth(org.peerA1.token, { type: 'bearer' })
        .expect(400);
      expect(res.body).toEqual(INVALID_CURSOR);
    });

    it('should show a specialist only the attendees in their scope', async () => {
      const res = await http()
        .get(`/api/v1/group-sessions/${groupId}`)
        .auth(org.peerA1.token, { type: 'bearer' })
        .expect(200);
      expect(res.body.attendees).toEqual([
        { clientId: a1, attendance: 'attended', participation: 'Entry for a1 only.' },
      ]);
      const all = await http()
        .get(`/api/v1/group-sessions/${groupId}`)
        .auth(org.supervisorA.token, { type: 'bearer' })
        .expect(200);
      expect(all.body.attendees).toHaveLength(2);
    });

    it('should show a client’s own entries, newest first, never other attendees', async () => {
      const res = await http()
        .get(`/api/v1/clients/${a1}/group-participation?limit=1`)
        .auth(org.peerA1.token, { type: 'bearer' })
        .expect(200);
      expect(res.body.items).toEqual([
        {
          groupSessionId: groupId,
          topic: 'Building a recovery support network',
          facilitatorId: org.supervisorA.id,
          startedAt: '2026-01-12T17:00:00.000Z',
          endedAt: '2026-01-12T18:00:00.000Z',
          attendance: 'attended',
          participation: 'Entry for a1 only.',
        },
      ]);
      const text = JSON.stringify(res.body);
      expect(text).not.toContain(a3);
      expect(text).not.toContain('Entry for a3');
      const next = await http()
        .get(`/api/v1/clients/${a1}/group-participation?limit=1&cursor=${res.body.nextCursor}`)
        .auth(org.peerA1.token, { type: 'bearer' })
        .expect(200);
      expect(next.body.items).toHaveLength(1);
      expect(next.body.items[0].startedAt).toBe('2026-01-10T17:00:00.000Z');
      expect(JSON.stringify(next.body)).not.toContain(a2);
      expect(
        await countAuditEvents(t.dataSource, { clientId: a1, action: 'group-participation.list' }),
      ).toBe(2);
    });
  });
});
