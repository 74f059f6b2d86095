import { randomUUID } from 'node:crypto';

import request from 'supertest';

import { createTestApp, TestApp } from '../setup/create-test-app';
import { createTestOrg, TEST_PASSWORD, TestOrg } from '../factories/people.factory';
import { problem } from '../helpers/problem';
import { TEST_ENV } from '../setup/test-env';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('users (e2e)', () => {
  let t: TestApp;
  let org: TestOrg;
  let other: TestOrg;
  const http = () => request(t.app.getHttpServer());

  beforeAll(async () => {
    t = await createTestApp();
    org = await createTestOrg(t.app);
    other = await createTestOrg(t.app);
  });
  afterAll(() => t.close());

  const newUser = (over: Record<string, unknown> = {}) => ({
    email: `new-${randomUUID()}@example.test`,
    password: 'A-long-enough-password',
    firstName: 'Robin',
    lastName: 'Lee',
    role: 'peer_specialist',
    teamIds: [org.teamA],
    ...over,
  });

  describe('POST /api/v1/users', () => {
    it('should answer 401 without a token', async () => {
      await http().post('/api/v1/users').send(newUser()).expect(401);
    });

    it('should answer 403 for a supervisor and audit the denial', async () => {
      const res = await http().post('/api/v1/users').auth(org.supervisorA.token, { type: 'bearer' }).send(newUser()).expect(403);
      expect(res.body).toEqual(problem(403, 'FORBIDDEN', 'Your role may not perform this action.'));
      const [row] = await t.dataSource.query(
        `SELECT action, outcome FROM audit_event WHERE actor_id = $1 AND outcome = 'denied'`,
        [org.supervisorA.id],
      );
      expect(row).toEqual({ action: 'user.manage', outcome: 'denied' });
    });

    it('should answer 400 with the exact errors and create nothing', async () => {
      const body = newUser({ role: 'wizard', password: 'short', teamIds: ['nope'] });
      const res = await http().post('/api/v1/users').auth(org.admin.token, { type: 'bearer' }).send(body).expect(400);
      expect(res.body).toEqual(
        problem(400, 'VALIDATION_FAILED', 'The request is invalid.', [
          { field: 'password', message: 'password must be longer than or equal to 12 characters' },
          { field: 'role', message: 'role must be one of the following values: peer_specialist, supervisor, admin' },
          { field: 'teamIds', message: 'each value in teamIds must be a UUID' },
        ]),
      );
      const rows = await t.dataSource.query(`SELECT 1 FROM app_user WHERE email = $1`, [body.email]);
      expect(rows).toEqual([]);
    });

    it('should refuse a team of another organization', async () => {
      const res = await http()
        .post('/api/v1/users')
        .auth(org.admin.token, { type: 'bearer' })
        .send(newUser({ teamIds: [other.teamA] }))
        .expect(400);
      expect(res.body.errors).toEqual([{ field: 'teamIds', message: 'each team must be an active team of your organization' }]);
    });

    it('should create the user with its team and let it log in', async () => {
      const body = newUser();
      const res = await http().post('/api/v1/users').auth(org.admin.token, { type: 'bearer' }).send(body).expect(201);
      expect(res.body).toEqual({
        id: expect.any(String),
        email: body.email,
        firstName: 'Robin',
        lastName: 'Lee',
        role: 'peer_specialist',
        active: true,
        teamIds: [org.teamA],
        version: 1,
        createdAt: expect.any(String),
      });
      expect(res.headers.etag).toBe('"1"');
      const [row] = await t.dataSource.query(`SELECT organization_id, password_hash FROM app_user WHERE id = $1`, [res.body.id]);
      expect(row.organization_id).toBe(org.id);
      expect(row.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
      await http().post('/api/v1/auth/login').send({ email: body.email, password: body.password }).expect(200);
      await http().post('/api/v1/users').auth(org.admin.token, { type: 'bearer' }).send({ ...newUser(), email: body.email.toUpperCase() }).expect(409);
    });

    it('should replay the first response for the same Idempotency-Key and body, and 422 for another body', async () => {
      const key = randomUUID();
      const body = newUser();
      const first = await http().post('/api/v1/users').set('Idempotency-Key', key).auth(org.admin.token, { type: 'bearer' }).send(body).expect(201);
      const again = await http().post('/api/v1/users').set('Idempotency-Key', key).auth(org.admin.token, { type: 'bearer' }).send(body).expect(201);
      expect(again.body).toEqual(first.body);
      const other = await http().post('/api/v1/users').set('Idempotency-Key', key).auth(org.admin.token, { type: 'bearer' }).send(newUser()).expect(422);
      expect(other.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
      const rows = await t.dataSource.query(`SELECT count(*)::int AS n FROM app_user WHERE email = $1`, [body.email]);
      expect(rows[0].n).toBe(1);
    });
  });

  describe('GET /api/v1/users', () => {
    it('should page through the organization only, newest first', async () => {
      const page1 = await http().get('/api/v1/users?limit=3').auth(org.admin.token, { type: 'bearer' }).expect(200);
      expect(page1.body.items).toHaveLength(3);
      expect(page1.body.nextCursor).toEqual(expect.any(String));
      const page2 = await http().get(`/api/v1/users?limit=100&cursor=${page1.body.nextCursor}`).auth(org.admin.token, { type: 'bearer' }).expect(200);
      const ids = [...page1.body.items, ...page2.body.items].map((u: { id: string }) => u.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids).not.toContain(other.admin.id);
      expect(ids).toContain(org.peerB1.id);
    });

    it('should not skip rows created in the same millisecond', async () => {
      const fresh = await createTestOrg(t.app);
      await t.dataSource.query(
        `UPDATE app_user SET created_at = '2020-01-01T00:00:00.000100Z'::timestamptz + (random() * interval '800 microseconds')
         WHERE organization_id = $1`,
        [fresh.id],
      );
      const seen: string[] = [];
      let cursor: string | null = '';
      while (cursor !== null) {
        const res: request.Response = await http().get(`/api/v1/users?limit=1${cursor ? `&cursor=${cursor}` : ''}`).auth(fresh.admin.token, { type: 'bearer' }).expect(200);
        seen.push(...res.body.items.map((u: { id: string }) => u.id));
        cursor = res.body.nextCursor;
      }
      expect(seen.sort()).toEqual([fresh.admin, fresh.supervisorA, fresh.supervisorB, fresh.peerA1, fresh.peerA2, fresh.peerB1].map((u) => u.id).sort());
    });

    it('should answer 400 above the maximum page size', async () => {
      const res = await http().get('/api/v1/users?limit=101').auth(org.admin.token, { type: 'bearer' }).expect(400);
      expect(res.body.errors).toEqual([{ field: 'limit', message: 'limit must not be greater than 100' }]);
    });

    it('should answer 404 for a user of another organization', async () => {
      const res = await http().get(`/api/v1/users/${other.peerA1.id}`).auth(org.admin.token, { type: 'bearer' }).expect(404);
      expect(res.body).toEqual(problem(404, 'NOT_FOUND', 'User not found.'));
    });
  });

  describe('PATCH /api/v1/users/:id', () => {
    it('should answer 428 without If-Match', async () => {
      const res = await http().patch(`/api/v1/users/${org.peerA2.id}`).auth(org.admin.token, { type: 'bearer' }).send({ lastName: 'X' }).expect(428);
      expect(res.body).toEqual(problem(428, 'PRECONDITION_REQUIRED', 'This update requires an If-Match header.'));
    });

    it('should let exactly one of 20 parallel updates with one ETag win', async () => {
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          http().patch(`/api/v1/users/${org.peerA2.id}`).set('If-Match', '"1"').auth(org.admin.token, { type: 'bearer' }).send({ lastName: `Name${i}` }),
        ),
      );
      const statuses = results.map((r) => r.status).sort();
      expect(statuses.filter((s) => s === 200)).toHaveLength(1);
      expect(statuses.filter((s) => s === 412)).toHaveLength(19);
      const winner = results.find((r) => r.status === 200)!;
      const [row] = await t.dataSource.query(`SELECT last_name, version FROM app_user WHERE id = $1`, [org.peerA2.id]);
      expect(row).toEqual({ last_name: winner.body.lastName, version: 2 });
      expect(winner.headers.etag).toBe('"2"');
    });

    it('should refuse to move a user to another organization', async () => {
      const res = await http()
        .patch(`/api/v1/users/${org.peerB1.id}`)
        .set('If-Match', '"1"')
        .auth(org.admin.token, { type: 'bearer' })
        .send({ organizationId: other.id })
        .expect(400);
      expect(res.body.errors).toEqual([{ field: 'organizationId', message: 'property organizationId should not exist' }]);
    });

    it('should stop a deactivated user’s tokens within seconds and refuse their login', async () => {
      const login = await http().post('/api/v1/auth/login').send({ email: org.peerB1.email, password: TEST_PASSWORD }).expect(200);
      await http().get('/api/v1/me').auth(login.body.accessToken, { type: 'bearer' }).expect(200);
      const [{ version }] = await t.dataSource.query(`SELECT version FROM app_user WHERE id = $1`, [org.peerB1.id]);
      const res = await http()
        .patch(`/api/v1/users/${org.peerB1.id}`)
        .set('If-Match', `"${version}"`)
        .auth(org.admin.token, { type: 'bearer' })
        .send({ active: false })
        .expect(200);
      expect(res.body.active).toBe(false);
      await sleep(Number(TEST_ENV.SESSION_CHECK_TTL_MS) + 50);
      await http().get('/api/v1/me').auth(login.body.accessToken, { type: 'bearer' }).expect(401);
      await http().get('/api/v1/me').auth(org.peerB1.token, { type: 'bearer' }).expect(401);
      await http().post('/api/v1/auth/refresh').send({ refreshToken: login.body.refreshToken }).expect(401);
      await http().post('/api/v1/auth/login').send({ email: org.peerB1.email, password: TEST_PASSWORD }).expect(401);
    });
  });
});
