import { randomUUID } from 'node:crypto';

import { Client } from 'pg';
import request from 'supertest';

import { AuthRepository } from '../../src/auth/auth.repository';
import { SessionCheckService } from '../../src/auth/session-check.service';
import { CONFIG } from '../../src/config/config.module';
import { loadConfig } from '../../src/config/configuration';
import { bearer } from '../helpers/http';
import { createTestApp, TestApp } from '../setup/create-test-app';
import { createClient } from '../factories/client.factory';
import {
  createTestOrg,
  createUser,
  TEST_PASSWORD,
  TestOrg,
  TestUser,
  tokenFor,
} from '../factories/people.factory';
import { Role } from '../../src/auth/permissions';
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
      const res = await http()
        .post('/api/v1/users')
        .auth(org.supervisorA.token, bearer)
        .send(newUser())
        .expect(403);
      expect(res.body).toEqual(problem(403, 'FORBIDDEN', 'Your role may not perform this action.'));
      const [row] = await t.dataSource.query(
        `SELECT action, outcome FROM audit_event WHERE actor_id = $1 AND outcome = 'denied'`,
        [org.supervisorA.id],
      );
      expect(row).toEqual({ action: 'user.manage', outcome: 'denied' });
    });

    it('should answer 400 with the exact errors and create nothing', async () => {
      const body = newUser({ role: 'wizard', password: 'short', teamIds: ['nope'] });
      const res = await http()
        .post('/api/v1/users')
        .auth(org.admin.token, bearer)
        .send(body)
        .expect(400);
      expect(res.body).toEqual(
        problem(400, 'VALIDATION_FAILED', 'The request is invalid.', [
          { field: 'password', message: 'password must be longer than or equal to 12 characters' },
          {
            field: 'role',
            message: 'role must be one of the following values: peer_specialist, supervisor, admin',
          },
          { field: 'teamIds', message: 'each value in teamIds must be a UUID' },
        ]),
      );
      const rows = await t.dataSource.query(`SELECT 1 FROM app_user WHERE email = $1`, [
        body.email,
      ]);
      expect(rows).toEqual([]);
    });

    it('should refuse a team of another organization', async () => {
      const res = await http()
        .post('/api/v1/users')
        .auth(org.admin.token, bearer)
        .send(newUser({ teamIds: [other.teamA] }))
        .expect(400);
      expect(res.body.errors).toEqual([
        { field: 'teamIds', message: 'each team must be an active team of your organization' },
      ]);
    });

    it('should create the user with its team and let it log in', async () => {
      const body = newUser();
      const res = await http()
        .post('/api/v1/users')
        .auth(org.admin.token, bearer)
        .send(body)
        .expect(201);
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
      const [row] = await t.dataSource.query(
        `SELECT organization_id, password_hash FROM app_user WHERE id = $1`,
        [res.body.id],
      );
      expect(row.organization_id).toBe(org.id);
      expect(row.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
      await http()
        .post('/api/v1/auth/login')
        .send({ email: body.email, password: body.password })
        .expect(200);
      await http()
        .post('/api/v1/users')
        .auth(org.admin.token, bearer)
        .send({ ...newUser(), email: body.email.toUpperCase() })
        .expect(409);
    });

    it('should replay the first response for the same Idempotency-Key and body, and 422 for another body', async () => {
      const key = randomUUID();
      const body = newUser();
      const first = await http()
        .post('/api/v1/users')
        .set('Idempotency-Key', key)
        .auth(org.admin.token, bearer)
        .send(body)
        .expect(201);
      const again = await http()
        .post('/api/v1/users')
        .set('Idempotency-Key', key)
        .auth(org.admin.token, bearer)
        .send(body)
        .expect(201);
      expect(again.body).toEqual(first.body);
      const other = await http()
        .post('/api/v1/users')
        .set('Idempotency-Key', key)
        .auth(org.admin.token, bearer)
        .send(newUser())
        .expect(422);
      expect(other.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
      const rows = await t.dataSource.query(
        `SELECT count(*)::int AS n FROM app_user WHERE email = $1`,
        [body.email],
      );
      expect(rows[0].n).toBe(1);
    });
  });

  describe('GET /api/v1/users', () => {
    it('should page through the organization only, newest first', async () => {
      const page1 = await http()
        .get('/api/v1/users?limit=3')
        .auth(org.admin.token, bearer)
        .expect(200);
      expect(page1.body.items).toHaveLength(3);
      expect(page1.body.nextCursor).toEqual(expect.any(String));
      const page2 = await http()
        .get(`/api/v1/users?limit=100&cursor=${page1.body.nextCursor}`)
        .auth(org.admin.token, bearer)
        .expect(200);
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
        const res: request.Response = await http()
          .get(`/api/v1/users?limit=1${cursor ? `&cursor=${cursor}` : ''}`)
          .auth(fresh.admin.token, bearer)
          .expect(200);
        seen.push(...res.body.items.map((u: { id: string }) => u.id));
        cursor = res.body.nextCursor;
      }
      expect(seen.sort()).toEqual(
        [
          fresh.admin,
          fresh.supervisorA,
          fresh.supervisorB,
          fresh.peerA1,
          fresh.peerA2,
          fresh.peerB1,
        ]
          .map((u) => u.id)
          .sort(),
      );
    });

    it('should answer 400 above the maximum page size', async () => {
      const res = await http()
        .get('/api/v1/users?limit=101')
        .auth(org.admin.token, bearer)
        .expect(400);
      expect(res.body.errors).toEqual([
        { field: 'limit', message: 'limit must not be greater than 100' },
      ]);
    });

    it('should answer 404 for a user of another organization', async () => {
      const res = await http()
        .get(`/api/v1/users/${other.peerA1.id}`)
        .auth(org.admin.token, bearer)
        .expect(404);
      expect(res.body).toEqual(problem(404, 'NOT_FOUND', 'User not found.'));
    });
  });

  describe('PATCH /api/v1/users/:id', () => {
    it('should answer 428 without If-Match', async () => {
      const res = await http()
        .patch(`/api/v1/users/${org.peerA2.id}`)
        .auth(org.admin.token, bearer)
        .send({ lastName: 'X' })
        .expect(428);
      expect(res.body).toEqual(
        problem(428, 'PRECONDITION_REQUIRED', 'This update requires an If-Match header.'),
      );
    });

    it('should let exactly one of 20 parallel updates with one ETag win', async () => {
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          http()
            .patch(`/api/v1/users/${org.peerA2.id}`)
            .set('If-Match', '"1"')
            .auth(org.admin.token, bearer)
            .send({ lastName: `Name${i}` }),
        ),
      );
      const statuses = results.map((r) => r.status).sort();
      expect(statuses.filter((s) => s === 200)).toHaveLength(1);
      expect(statuses.filter((s) => s === 412)).toHaveLength(19);
      const winner = results.find((r) => r.status === 200)!;
      const [row] = await t.dataSource.query(
        `SELECT last_name, version FROM app_user WHERE id = $1`,
        [org.peerA2.id],
      );
      expect(row).toEqual({ last_name: winner.body.lastName, version: 2 });
      expect(winner.headers.etag).toBe('"2"');
    });

    it('should refuse to move a user to another organization', async () => {
      const res = await http()
        .patch(`/api/v1/users/${org.peerB1.id}`)
        .set('If-Match', '"1"')
        .auth(org.admin.token, bearer)
        .send({ organizationId: other.id })
        .expect(400);
      expect(res.body.errors).toEqual([
        { field: 'organizationId', message: 'property organizationId should not exist' },
      ]);
    });

    it('should stop a deactivated user’s tokens within seconds and refuse their login', async () => {
      const login = await http()
        .post('/api/v1/auth/login')
        .send({ email: org.peerB1.email, password: TEST_PASSWORD })
        .expect(200);
      await http().get('/api/v1/me').auth(login.body.accessToken, bearer).expect(200);
      const [{ version }] = await t.dataSource.query(`SELECT version FROM app_user WHERE id = $1`, [
        org.peerB1.id,
      ]);
      const res = await http()
        .patch(`/api/v1/users/${org.peerB1.id}`)
        .set('If-Match', `"${version}"`)
        .auth(org.admin.token, bearer)
        .send({ active: false })
        .expect(200);
      expect(res.body.active).toBe(false);
      await sleep(Number(TEST_ENV.SESSION_CHECK_TTL_MS) + 50);
      await http().get('/api/v1/me').auth(login.body.accessToken, bearer).expect(401);
      await http().get('/api/v1/me').auth(org.peerB1.token, bearer).expect(401);
      await http()
        .post('/api/v1/auth/refresh')
        .send({ refreshToken: login.body.refreshToken })
        .expect(401);
      await http()
        .post('/api/v1/auth/login')
        .send({ email: org.peerB1.email, password: TEST_PASSWORD })
        .expect(401);
    });
  });

  describe('role changes', () => {
    const unauthenticated = problem(401, 'UNAUTHENTICATED', 'A valid access token is required.');
    const REVIEW_QUEUE = '/api/v1/session-notes?status=signed&awaitingReview=true';
    const patchUser = (fresh: TestOrg, user: TestUser, body: object, version = 1) =>
      http()
        .patch(`/api/v1/users/${user.id}`)
        .set('If-Match', `"${version}"`)
        .auth(fresh.admin.token, bearer)
        .send(body);
    const membershipsOf = (userId: string) =>
      t.dataSource.query(
        `SELECT team_id, membership FROM team_member WHERE user_id = $1 ORDER BY team_id, membership`,
        [userId],
      );
    const teamOf = async (fresh: TestOrg, teamId: string) => {
      const res = await http().get('/api/v1/teams').auth(fresh.admin.token, bearer).expect(200);
      return res.body.items.find((team: { id: string }) => team.id === teamId);
    };

    it('should end a demoted supervisor’s sessions: their token gets 401 on caseloads, audit events and the review queue within the window', async () => {
      const fresh = await createTestOrg(t.app);
      const sup = fresh.supervisorA;
      const login = await http()
        .post('/api/v1/auth/login')
        .send({ email: sup.email, password: TEST_PASSWORD })
        .expect(200);
      // Another API process that read the session just before the change trusts it for one window.
      const otherProcess = new SessionCheckService(
        new AuthRepository(t.dataSource),
        t.app.get(CONFIG),
      );
      const principal = {
        kind: 'user' as const,
        id: sup.id,
        organizationId: fresh.id,
        role: Role.Supervisor,
        sessionId: '',
      };
      const [{ id: sessionId }] = await t.dataSource.query(
        `SELECT id FROM auth_session WHERE user_id = $1 ORDER BY created_at DESC LIMIT 1`,
        [sup.id],
      );
      expect(await otherProcess.isActive({ ...principal, sessionId })).toBe(true);
      for (const token of [sup.token, login.body.accessToken]) {
        await http().get('/api/v1/caseloads').auth(token, bearer).expect(200);
        await http().get('/api/v1/audit-events').auth(token, bearer).expect(200);
        await http().get(REVIEW_QUEUE).auth(token, bearer).expect(200);
      }

      const res = await patchUser(fresh, sup, {
        role: 'peer_specialist',
        teamIds: [fresh.teamB],
      }).expect(200);
      expect(res.body).toMatchObject({
        id: sup.id,
        role: 'peer_specialist',
        teamIds: [fresh.teamB],
        version: 2,
      });

      await sleep(Number(TEST_ENV.SESSION_CHECK_TTL_MS) + 50);
      expect(await otherProcess.isActive({ ...principal, sessionId })).toBe(false);
      for (const token of [sup.token, login.body.accessToken]) {
        for (const path of ['/api/v1/caseloads', '/api/v1/audit-events', REVIEW_QUEUE]) {
          const denied = await http().get(path).auth(token, bearer).expect(401);
          expect(denied.body).toEqual(unauthenticated);
        }
      }
      await http()
        .post('/api/v1/auth/refresh')
        .send({ refreshToken: login.body.refreshToken })
        .expect(401);

      const sessions = await t.dataSource.query(
        `SELECT revoked_reason FROM auth_session WHERE user_id = $1`,
        [sup.id],
      );
      expect(sessions).toEqual([
        { revoked_reason: 'role_changed' },
        { revoked_reason: 'role_changed' },
      ]);
      expect(await membershipsOf(sup.id)).toEqual([{ team_id: fresh.teamB, membership: 'member' }]);
      const [user] = await t.dataSource.query(`SELECT role, version FROM app_user WHERE id = $1`, [
        sup.id,
      ]);
      expect(user).toEqual({ role: 'peer_specialist', version: 2 });
      const audit = await t.dataSource.query(
        `SELECT action, actor_id FROM audit_event WHERE resource_id = $1 AND action LIKE 'user.%' ORDER BY action`,
        [sup.id],
      );
      expect(audit).toEqual([
        { action: 'user.role-change', actor_id: fresh.admin.id },
        { action: 'user.update', actor_id: fresh.admin.id },
      ]);

      // A new login carries the new role: a peer specialist's.
      const again = await http()
        .post('/api/v1/auth/login')
        .send({ email: sup.email, password: TEST_PASSWORD })
        .expect(200);
      await http().get('/api/v1/caseloads').auth(again.body.accessToken, bearer).expect(403);
      await http().get('/api/v1/me').auth(again.body.accessToken, bearer).expect(200);
    });

    it('should no longer list a demoted supervisor as the team’s supervisor', async () => {
      const fresh = await createTestOrg(t.app);
      expect((await teamOf(fresh, fresh.teamA)).supervisorIds).toEqual([fresh.supervisorA.id]);
      // Without teamIds, the supervised team becomes the peer specialist's member team.
      const res = await patchUser(fresh, fresh.supervisorA, { role: 'peer_specialist' }).expect(
        200,
      );
      expect(res.body).toMatchObject({ role: 'peer_specialist', teamIds: [fresh.teamA] });
      expect(await membershipsOf(fresh.supervisorA.id)).toEqual([
        { team_id: fresh.teamA, membership: 'member' },
      ]);
      const teamA = await teamOf(fresh, fresh.teamA);
      expect(teamA.supervisorIds).toEqual([]);
      expect(teamA.memberIds).toEqual(
        [fresh.peerA1.id, fresh.peerA2.id, fresh.supervisorA.id].sort(),
      );
      // Nobody supervises the former supervisor's old team members through them any more.
      const peerToken = await tokenFor(t.app, {
        id: fresh.supervisorA.id,
        organizationId: fresh.id,
        role: Role.PeerSpecialist,
      });
      await http().get('/api/v1/caseloads').auth(peerToken, bearer).expect(403);
    });

    it('should turn a promoted peer’s member row into supervision, so they never supervise themself', async () => {
      const fresh = await createTestOrg(t.app);
      const peer = fresh.peerA1;
      // Without teamIds, the member team becomes a supervised one.
      await patchUser(fresh, peer, { role: 'supervisor' }).expect(200);
      expect(await membershipsOf(peer.id)).toEqual([
        { team_id: fresh.teamA, membership: 'supervisor' },
      ]);
      const teamA = await teamOf(fresh, fresh.teamA);
      expect(teamA.supervisorIds).toEqual([fresh.supervisorA.id, peer.id].sort());
      expect(teamA.memberIds).toEqual([fresh.peerA2.id]);

      await sleep(Number(TEST_ENV.SESSION_CHECK_TTL_MS) + 50);
      await http().get('/api/v1/me').auth(peer.token, bearer).expect(401);
      const login = await http()
        .post('/api/v1/auth/login')
        .send({ email: peer.email, password: TEST_PASSWORD })
        .expect(200);
      const caseloads = await http()
        .get('/api/v1/caseloads')
        .auth(login.body.accessToken, bearer)
        .expect(200);
      expect(caseloads.body.items.map((c: { specialistId: string }) => c.specialistId)).toEqual([
        fresh.peerA2.id,
      ]);
      await http()
        .get(`/api/v1/caseloads/${peer.id}`)
        .auth(login.body.accessToken, bearer)
        .expect(404);

      // Nor can a team take them back as a member.
      const [{ version }] = await t.dataSource.query(`SELECT version FROM team WHERE id = $1`, [
        fresh.teamA,
      ]);
      const res = await http()
        .patch(`/api/v1/teams/${fresh.teamA}`)
        .set('If-Match', `"${version}"`)
        .auth(fresh.admin.token, bearer)
        .send({ memberIds: [fresh.peerA2.id, peer.id] })
        .expect(400);
      expect(res.body).toEqual(
        problem(400, 'VALIDATION_FAILED', 'The request is invalid.', [
          { field: 'memberIds', message: 'each id must be a peer_specialist of your organization' },
        ]),
      );
      expect(await membershipsOf(peer.id)).toEqual([
        { team_id: fresh.teamA, membership: 'supervisor' },
      ]);
    });

    it('should refuse a peer specialist without a team, or an admin on one, changing nothing', async () => {
      const fresh = await createTestOrg(t.app);
      const idle = await createUser(t.app, fresh.id, Role.Supervisor);
      const cases: [TestUser, object, string][] = [
        [
          idle,
          { role: 'peer_specialist' },
          'a peer specialist must be a member of at least one team',
        ],
        [
          fresh.supervisorA,
          { role: 'peer_specialist', teamIds: [] },
          'a peer specialist must be a member of at least one team',
        ],
        [
          fresh.peerA1,
          { role: 'admin', teamIds: [fresh.teamA] },
          'an admin cannot be a team member',
        ],
      ];
      for (const [user, body, message] of cases) {
        const res = await patchUser(fresh, user, body).expect(400);
        expect(res.body).toEqual(
          problem(400, 'VALIDATION_FAILED', 'The request is invalid.', [
            { field: 'teamIds', message },
          ]),
        );
      }
      const rows = await t.dataSource.query(
        `SELECT u.id, u.role, u.version, array_remove(array_agg(tm.membership), NULL) AS memberships FROM app_user u
         LEFT JOIN team_member tm ON tm.user_id = u.id WHERE u.id = ANY($1) GROUP BY u.id ORDER BY u.id`,
        [[fresh.peerA1.id, fresh.supervisorA.id, idle.id]],
      );
      expect(rows).toEqual(
        [
          { id: fresh.peerA1.id, role: 'peer_specialist', version: 1, memberships: ['member'] },
          { id: fresh.supervisorA.id, role: 'supervisor', version: 1, memberships: ['supervisor'] },
          { id: idle.id, role: 'supervisor', version: 1, memberships: [] },
        ].sort((a, b) => a.id.localeCompare(b.id)),
      );
      await http().get('/api/v1/caseloads').auth(fresh.supervisorA.token, bearer).expect(200);
    });

    it('should never store an admin as a team member', async () => {
      const fresh = await createTestOrg(t.app);
      const invalid = problem(400, 'VALIDATION_FAILED', 'The request is invalid.', [
        { field: 'teamIds', message: 'an admin cannot be a team member' },
      ]);
      const body = newUser({ role: 'admin', teamIds: [fresh.teamA] });
      const created = await http()
        .post('/api/v1/users')
        .auth(fresh.admin.token, bearer)
        .send(body)
        .expect(400);
      expect(created.body).toEqual(invalid);
      expect(
        await t.dataSource.query(`SELECT 1 FROM app_user WHERE email = $1`, [body.email]),
      ).toEqual([]);

      const patched = await patchUser(fresh, fresh.admin, { teamIds: [fresh.teamA] }).expect(400);
      expect(patched.body).toEqual(invalid);

      const [{ version }] = await t.dataSource.query(`SELECT version FROM team WHERE id = $1`, [
        fresh.teamA,
      ]);
      for (const field of ['memberIds', 'supervisorIds']) {
        const res = await http()
          .patch(`/api/v1/teams/${fresh.teamA}`)
          .set('If-Match', `"${version}"`)
          .auth(fresh.admin.token, bearer)
          .send({ [field]: [fresh.admin.id] })
          .expect(400);
        const role = field === 'memberIds' ? 'peer_specialist' : 'supervisor';
        expect(res.body.errors).toEqual([
          { field, message: `each id must be a ${role} of your organization` },
        ]);
      }

      // A peer made admin leaves every team, and their open clients go to "needs reassignment".
      const client = await createClient(t.dataSource, {
        organizationId: fresh.id,
        specialistId: fresh.peerA1.id,
      });
      const res = await patchUser(fresh, fresh.peerA1, { role: 'admin' }).expect(200);
      expect(res.body).toMatchObject({ role: 'admin', teamIds: [] });
      expect(await membershipsOf(fresh.peerA1.id)).toEqual([]);
      const [row] = await t.dataSource.query(
        `SELECT primary_specialist_id, needs_reassignment FROM client WHERE id = $1`,
        [client],
      );
      expect(row).toEqual({ primary_specialist_id: null, needs_reassignment: true });

      // The database refuses the row whatever the path.
      await expect(
        t.dataSource.query(
          `INSERT INTO team_member (team_id, user_id, membership) VALUES ($1, $2, 'member')`,
          [fresh.teamA, fresh.admin.id],
        ),
      ).rejects.toMatchObject({ code: '23514', constraint: 'team_member_role_ck' });
      await expect(
        t.dataSource.query(`UPDATE app_user SET role = 'admin' WHERE id = $1`, [fresh.peerA2.id]),
      ).rejects.toMatchObject({ code: '23514', constraint: 'team_member_role_ck' });
      expect(await membershipsOf(fresh.admin.id)).toEqual([]);
    });

    it('should keep every membership fitting its role when promotions race a team update', async () => {
      const fresh = await createTestOrg(t.app);
      const peers = await Promise.all(
        Array.from({ length: 25 }, () =>
          createUser(t.app, fresh.id, Role.PeerSpecialist, [fresh.teamB]),
        ),
      );
      const [{ version }] = await t.dataSource.query(`SELECT version FROM team WHERE id = $1`, [
        fresh.teamA,
      ]);
      const results = await Promise.all([
        http()
          .patch(`/api/v1/teams/${fresh.teamA}`)
          .set('If-Match', `"${version}"`)
          .auth(fresh.admin.token, bearer)
          .send({ memberIds: peers.map((p) => p.id) }),
        ...peers.map((p) => patchUser(fresh, p, { role: 'supervisor', teamIds: [fresh.teamB] })),
      ]);
      const [team, ...promotions] = results.map((r) => r.status);
      expect([200, 400]).toContain(team);
      expect(promotions).toEqual(peers.map(() => 200));
      const misfits = await t.dataSource.query(
        `SELECT tm.user_id FROM team_member tm JOIN app_user u ON u.id = tm.user_id
         WHERE u.organization_id = $1 AND tm.membership <> CASE u.role WHEN 'supervisor' THEN 'supervisor' ELSE 'member' END`,
        [fresh.id],
      );
      expect(misfits).toEqual([]);
      const promoted = await t.dataSource.query(
        `SELECT DISTINCT team_id, membership FROM team_member WHERE user_id = ANY($1)`,
        [peers.map((p) => p.id)],
      );
      expect(promoted).toEqual([{ team_id: fresh.teamB, membership: 'supervisor' }]);
    });

    it('should keep the membership fitting when a team update validated the user before a promotion committed', async () => {
      const fresh = await createTestOrg(t.app);
      const peers = await Promise.all(
        Array.from({ length: 5 }, () =>
          createUser(t.app, fresh.id, Role.PeerSpecialist, [fresh.teamB]),
        ),
      );
      const [{ version }] = await t.dataSource.query(`SELECT version FROM team WHERE id = $1`, [
        fresh.teamA,
      ]);
      // Hold the team_member table so that every write below stops at its first membership change,
      // the team update first: it has validated the peers' roles by then.
      const blocker = new Client({ connectionString: loadConfig().db.url });
      await blocker.connect();
      // How many of this database's sessions wait for a lock, polled until `n` do (or `ms` passed).
      const waiting = async (n: number, ms: number) => {
        let count = 0;
        for (const until = Date.now() + ms; Date.now() < until; await sleep(25)) {
          const { rows } = await blocker.query(
            `SELECT count(DISTINCT l.pid)::int AS count FROM pg_locks l
             JOIN pg_stat_activity a ON a.pid = l.pid
             WHERE NOT l.granted AND a.datname = current_database()`,
          );
          count = rows[0].count;
          if (count >= n) break;
        }
        return count;
      };
      try {
        await blocker.query('BEGIN');
        await blocker.query('LOCK TABLE team_member IN SHARE MODE');
        const team = http()
          .patch(`/api/v1/teams/${fresh.teamA}`)
          .set('If-Match', `"${version}"`)
          .auth(fresh.admin.token, bearer)
          .send({ memberIds: peers.map((p) => p.id) })
          .then((r) => r);
        expect(await waiting(1, 5000)).toBe(1);
        const promotions = peers.map((p) =>
          patchUser(fresh, p, { role: 'supervisor', teamIds: [fresh.teamB] }).then((r) => r),
        );
        // The team update and at least one promotion are both stopped mid-transaction (usually all
        // of them: a request may still be on its way).
        expect(await waiting(1 + peers.length, 2000)).toBeGreaterThanOrEqual(2);
        await blocker.query('COMMIT');
        expect((await team).status).toBe(200);
        expect((await Promise.all(promotions)).map((r) => r.status)).toEqual(peers.map(() => 200));
      } finally {
        await blocker.end();
      }
      const rows = await t.dataSource.query(
        `SELECT DISTINCT team_id, membership FROM team_member WHERE user_id = ANY($1)`,
        [peers.map((p) => p.id)],
      );
      expect(rows).toEqual([{ team_id: fresh.teamB, membership: 'supervisor' }]);
    });
  });
});
