import request from 'supertest';
import { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner';

import { createTestApp, TestApp } from '../setup/create-test-app';
import { createClient, createFollowUp } from '../factories/client.factory';
import { createTestOrg, TestOrg } from '../factories/people.factory';
import { createNote } from '../factories/session-note.factory';
import { INVALID_CURSOR, problem } from '../helpers/problem';

describe('GET /api/v1/clients/:id/timeline (e2e)', () => {
  let t: TestApp;
  let org: TestOrg;
  let small: string;
  let large: string;
  const http = () => request(t.app.getHttpServer());
  const day = (n: number) => new Date(Date.UTC(2026, 0, 1) + n * 86_400_000);

  beforeAll(async () => {
    t = await createTestApp();
    org = await createTestOrg(t.app);
    small = await createClient(t.dataSource, {
      organizationId: org.id,
      specialistId: org.peerA1.id,
    });
    large = await createClient(t.dataSource, {
      organizationId: org.id,
      specialistId: org.peerA1.id,
    });
    await createNote(t.dataSource, {
      organizationId: org.id,
      clientId: small,
      authorId: org.peerA1.id,
      startedAt: day(1),
    });
    for (let i = 0; i < 30; i++) {
      await createNote(t.dataSource, {
        organizationId: org.id,
        clientId: large,
        authorId: org.peerA1.id,
        startedAt: day(2 * i),
      });
      await createFollowUp(t.dataSource, {
        organizationId: org.id,
        clientId: large,
        ownerId: org.peerA1.id,
        dueAt: day(2 * i + 1),
      });
    }
  });
  afterAll(() => t.close());

  const statementsOf = async (
    clientId: string,
    query = '',
  ): Promise<{
    count: number;
    body: { items: { type: string; occurredAt: string }[]; nextCursor: string | null };
  }> => {
    const spy = jest.spyOn(PostgresQueryRunner.prototype, 'query');
    try {
      const res = await http()
        .get(`/api/v1/clients/${clientId}/timeline${query}`)
        .auth(org.peerA1.token, { type: 'bearer' })
        .expect(200);
      // The session check runs only when this process's cached answer has expired
      // (SESSION_CHECK_TTL_MS): a matter of timing, not of the timeline's statements.
      const count = spy.mock.calls.filter(
        ([sql]) => !String(sql).includes('FROM auth_session'),
      ).length;
      return { count, body: res.body };
    } finally {
      spy.mockRestore();
    }
  };

  it('should answer 401, 403 (admin) and 404 (out of scope)', async () => {
    await http().get(`/api/v1/clients/${small}/timeline`).expect(401);
    await http()
      .get(`/api/v1/clients/${small}/timeline`)
      .auth(org.admin.token, { type: 'bearer' })
      .expect(403);
    const res = await http()
      .get(`/api/v1/clients/${small}/timeline`)
      .auth(org.peerB1.token, { type: 'bearer' })
      .expect(404);
    expect(res.body).toEqual(problem(404, 'NOT_FOUND', 'Client not found.'));
  });

  it('should answer 400 for a limit of 0', async () => {
    const res = await http()
      .get(`/api/v1/clients/${small}/timeline?limit=0`)
      .auth(org.peerA1.token, { type: 'bearer' })
      .expect(400);
    expect(res.body).toEqual(
      problem(400, 'VALIDATION_FAILED', 'The request is invalid.', [
        { field: 'limit', message: 'limit must not be less than 1' },
      ]),
    );
  });

  it('should merge notes and follow-ups newest first and page through them', async () => {
    const first = await statementsOf(large, '?limit=4');
    expect(first.body.items.map((i) => i.type)).toEqual([
      'follow_up',
      'session_note',
      'follow_up',
      'session_note',
    ]);
    expect(first.body.items[0].occurredAt).toBe(day(59).toISOString());
    const second = await statementsOf(large, `?limit=4&cursor=${first.body.nextCursor}`);
    expect(second.body.items[0].occurredAt).toBe(day(55).toISOString());
  });

  it('should answer 400 INVALID_CURSOR, never 500, for a garbled, forged or foreign cursor', async () => {
    const unsigned = (key: string, id: string) =>
      Buffer.from(JSON.stringify([key, id])).toString('base64url');
    const url = `/api/v1/clients/${large}/timeline`;
    const first = await http()
      .get(`${url}?limit=2`)
      .auth(org.peerA1.token, { type: 'bearer' })
      .expect(200);
    const [, mac] = (first.body.nextCursor as string).split('.');
    for (const [token, path, cursor] of [
      [org.peerA1.token, url, unsigned('not-an-instant', '00000000-0000-0000-0000-000000000000')],
      [org.peerA1.token, url, unsigned(day(3).toISOString(), 'not-a-uuid')],
      [org.peerA1.token, url, `${unsigned(day(90).toISOString(), first.body.items[0].id)}.${mac}`],
      [org.peerA1.token, url, Buffer.from('\u0000\u00ff junk').toString('base64url')],
      // Another client's timeline, or another caller: the cursor was not issued there.
      [org.peerA1.token, `/api/v1/clients/${small}/timeline`, first.body.nextCursor],
      [org.supervisorA.token, url, first.body.nextCursor],
    ]) {
      const res = await http().get(path).query({ cursor }).auth(token, { type: 'bearer' });
      expect({ status: res.status, body: res.body }).toEqual({
        status: 400,
        body: INVALID_CURSOR,
      });
    }
  });

  it('should use the same bounded number of statements whatever the history length', async () => {
    await statementsOf(small); // warm the schema probe
    const few = await statementsOf(small);
    const many = await statementsOf(large, '?limit=100');
    expect(many.body.items).toHaveLength(60);
    expect(many.count).toBe(few.count);
    expect(many.count).toBeLessThanOrEqual(6);
  });
});
