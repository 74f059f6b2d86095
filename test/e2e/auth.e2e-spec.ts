import { createSecretKey, generateKeyPairSync } from 'node:crypto';

import { sign } from 'jsonwebtoken';
import request from 'supertest';

import { Role } from '../../src/auth/permissions';
import { countAuditEvents } from '../helpers/audit';
import { createTestApp, TestApp } from '../setup/create-test-app';
import {
  createOrganization,
  createUser,
  TEST_PASSWORD,
  TestUser,
} from '../factories/people.factory';
import { problem } from '../helpers/problem';
import { TEST_ENV } from '../setup/test-env';

const KEY = createSecretKey(Buffer.from(TEST_ENV.JWT_SECRET, 'base64'));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('auth (e2e)', () => {
  let t: TestApp;
  let peer: TestUser;
  let server: ReturnType<TestApp['app']['getHttpServer']>;

  beforeAll(async () => {
    t = await createTestApp();
    server = t.app.getHttpServer();
    const org = await createOrganization(t.dataSource);
    peer = await createUser(t.app, org, Role.PeerSpecialist);
  });
  afterAll(() => t.close());

  const login = (email: string, password: string, ip = '10.0.0.1') =>
    request(server).post('/api/v1/auth/login').set('X-Forwarded-For', ip).send({ email, password });

  it('should issue an access and a refresh token when the password is right', async () => {
    const res = await login(peer.email, TEST_PASSWORD).expect(200);
    expect(res.body).toEqual({
      accessToken: expect.any(String),
      refreshToken: expect.any(String),
      expiresIn: 900,
      tokenType: 'Bearer',
    });
    const me = await request(server)
      .get('/api/v1/me')
      .auth(res.body.accessToken, { type: 'bearer' })
      .expect(200);
    expect(me.body).toMatchObject({
      id: peer.id,
      role: 'peer_specialist',
      email: peer.email,
      kind: 'user',
    });
    const [audit] = await t.dataSource.query(
      `SELECT action, outcome, actor_id FROM audit_event WHERE actor_id = $1 AND action = 'auth.login'`,
      [peer.id],
    );
    expect(audit).toEqual({ action: 'auth.login', outcome: 'success', actor_id: peer.id });
  });

  it('should answer 401 with one message for a wrong password and an unknown email', async () => {
    const wrong = await login(peer.email, 'not-the-password').expect(401);
    const unknown = await login('nobody@example.test', 'not-the-password').expect(401);
    expect(wrong.body).toEqual(
      problem(401, 'INVALID_CREDENTIALS', 'The email or password is incorrect.'),
    );
    expect(unknown.body).toEqual({ ...wrong.body, correlationId: unknown.body.correlationId });
    expect(
      await countAuditEvents(t.dataSource, {
        actorId: peer.id,
        action: 'auth.login',
        outcome: 'failure',
      }),
    ).toBeGreaterThanOrEqual(1);
  });

  it('should record the request’s correlation id on sign-in, failed sign-in and sign-out events', async () => {
    const ok = await login(peer.email, TEST_PASSWORD)
      .set('X-Correlation-Id', 'trace-login-ok')
      .expect(200);
    await login(peer.email, 'not-the-password')
      .set('X-Correlation-Id', 'trace-login-bad')
      .expect(401);
    await request(server)
      .post('/api/v1/auth/logout')
      .set('X-Correlation-Id', 'trace-logout')
      .send({ refreshToken: ok.body.refreshToken })
      .expect(204);
    const events = await t.dataSource.query(
      `SELECT correlation_id, action, outcome, actor_id FROM audit_event
        WHERE correlation_id IN ('trace-login-ok', 'trace-login-bad', 'trace-logout') ORDER BY occurred_at`,
    );
    expect(events).toEqual([
      {
        correlation_id: 'trace-login-ok',
        action: 'auth.login',
        outcome: 'success',
        actor_id: peer.id,
      },
      {
        correlation_id: 'trace-login-bad',
        action: 'auth.login',
        outcome: 'failure',
        actor_id: peer.id,
      },
      {
        correlation_id: 'trace-logout',
        action: 'auth.logout',
        outcome: 'success',
        actor_id: peer.id,
      },
    ]);
  });

  it('should answer 400 with the exact error when a field is missing or unknown', async () => {
    const res = await request(server)
      .post('/api/v1/auth/login')
      .send({ email: 'not-an-email', password: 'x', extra: true })
      .expect(400);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body).toEqual(
      problem(400, 'VALIDATION_FAILED', 'The request is invalid.', [
        { field: 'email', message: 'email must be an email' },
        { field: 'extra', message: 'property extra should not exist' },
      ]),
    );
  });

  describe('token attacks', () => {
    const claims = () => ({
      sub: peer.id,
      org: peer.organizationId,
      typ: 'user',
      role: 'peer_specialist',
      sid: 'x',
    });
    const cases: [string, () => string][] = [
      [
        'alg none',
        () =>
          sign(claims(), '', {
            algorithm: 'none',
            issuer: 'recovery-bridge',
            audience: 'recovery-bridge-api',
          }),
      ],
      [
        'a foreign key',
        () =>
          sign(claims(), 'another-secret-another-secret-another-secret', {
            issuer: 'recovery-bridge',
            audience: 'recovery-bridge-api',
          }),
      ],
      [
        'an RS256 key',
        () =>
          sign(claims(), generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey, {
            algorithm: 'RS256',
            issuer: 'recovery-bridge',
            audience: 'recovery-bridge-api',
          }),
      ],
      [
        'an expired token',
        () =>
          sign({ ...claims(), exp: Math.floor(Date.now() / 1000) - 10 }, KEY, {
            issuer: 'recovery-bridge',
            audience: 'recovery-bridge-api',
          }),
      ],
      [
        'a wrong audience',
        () => sign(claims(), KEY, { issuer: 'recovery-bridge', audience: 'someone-else' }),
      ],
      [
        'a wrong issuer',
        () => sign(claims(), KEY, { issuer: 'evil', audience: 'recovery-bridge-api' }),
      ],
      [
        'a tampered payload',
        () => {
          const [h, , s] = peer.token.split('.');
          const body = Buffer.from(JSON.stringify({ ...claims(), role: 'admin' })).toString(
            'base64url',
          );
          return `${h}.${body}.${s}`;
        },
      ],
      ['garbage', () => 'not.a.jwt'],
    ];

    it.each(cases)('should answer 401 for %s', async (_, make) => {
      const res = await request(server)
        .get('/api/v1/me')
        .auth(make(), { type: 'bearer' })
        .expect(401);
      expect(res.body).toEqual(
        problem(401, 'UNAUTHENTICATED', 'A valid access token is required.'),
      );
    });

    it('should answer 401 without a token', async () => {
      const res = await request(server).get('/api/v1/me').expect(401);
      expect(res.body).toEqual(
        problem(401, 'UNAUTHENTICATED', 'A valid access token is required.'),
      );
    });
  });

  it('should rotate refresh tokens and end the session when a spent one is replayed', async () => {
    const first = (await login(peer.email, TEST_PASSWORD).expect(200)).body;
    const second = (
      await request(server)
        .post('/api/v1/auth/refresh')
        .send({ refreshToken: first.refreshToken })
        .expect(200)
    ).body;
    expect(second.refreshToken).not.toEqual(first.refreshToken);
    const replay = await request(server)
      .post('/api/v1/auth/refresh')
      .send({ refreshToken: first.refreshToken })
      .expect(401);
    expect(replay.body.code).toBe('INVALID_REFRESH_TOKEN');
    // The replay revoked the whole session: the newest refresh token is dead too.
    await request(server)
      .post('/api/v1/auth/refresh')
      .send({ refreshToken: second.refreshToken })
      .expect(401);
  });

  it('should stop the access token within seconds after logout', async () => {
    const tokens = (await login(peer.email, TEST_PASSWORD).expect(200)).body;
    await request(server)
      .get('/api/v1/me')
      .auth(tokens.accessToken, { type: 'bearer' })
      .expect(200);
    await request(server)
      .post('/api/v1/auth/logout')
      .send({ refreshToken: tokens.refreshToken })
      .expect(204);
    await sleep(Number(TEST_ENV.SESSION_CHECK_TTL_MS) + 50);
    await request(server)
      .get('/api/v1/me')
      .auth(tokens.accessToken, { type: 'bearer' })
      .expect(401);
    await request(server)
      .post('/api/v1/auth/refresh')
      .send({ refreshToken: tokens.refreshToken })
      .expect(401);
  });
});
