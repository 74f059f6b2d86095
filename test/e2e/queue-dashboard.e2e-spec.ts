import { decode, sign } from 'jsonwebtoken';
import request from 'supertest';

import { registeredRoutes } from '../../src/bootstrap/http-setup';
import { CONFIG } from '../../src/config/config.module';
import { Config } from '../../src/config/configuration';
import { QueueName } from '../../src/queue/jobs';
import { QUEUE_DASHBOARD_PATH } from '../../src/queue/queue-dashboard.service';
import { createTestApp, TestApp } from '../setup/create-test-app';
import { createTestOrg, TEST_PASSWORD, TestOrg, TestUser } from '../factories/people.factory';
import { problem } from '../helpers/problem';
import { configureQueueOperator, createQueueOperator } from '../helpers/queue-dashboard';

const SIGN_IN = '/admin/queues/auth/sign-in';
const SIGN_OUT = '/admin/queues/auth/sign-out';
const COOKIE = 'rb_queue_dashboard';
const JWT = /[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/;

describe('queue dashboard /admin/queues (e2e)', () => {
  let t: TestApp;
  let org: TestOrg;
  let operator: TestUser;
  const operatorId = configureQueueOperator();
  const http = () => request(t.app.getHttpServer());
  let ipSeq = 0;
  // Each sign-in from an address of its own: the per-IP login limit is not under test here.
  const signIn = (email: string, password = TEST_PASSWORD) =>
    http()
      .post(SIGN_IN)
      .set('X-Forwarded-For', `198.51.100.${++ipSeq}`)
      .type('form')
      .send({ email, password });
  const cookieOf = (res: request.Response): string => {
    const header = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
    expect(header).toHaveLength(1);
    return header[0];
  };
  const tokenIn = (setCookie: string): string => setCookie.split(';')[0].slice(COOKIE.length + 1);
  const sessionOf = (token: string): string => (decode(token) as { sid: string }).sid;
  const queueNames = (res: request.Response) =>
    res.body.queues.map((q: { name: string }) => q.name).sort();
  const auditOf = (userId: string, action: string) =>
    t.dataSource.query(
      `SELECT action, outcome, actor_id, actor_role, resource_type, resource_id, correlation_id
       FROM audit_event WHERE actor_id = $1 AND action = $2 ORDER BY occurred_at`,
      [userId, action],
    );

  beforeAll(async () => {
    t = await createTestApp();
    org = await createTestOrg(t.app);
    operator = await createQueueOperator(t.app, operatorId);
  });
  afterAll(() => t.close());

  it('should answer 401 without credentials, with a forged token or a forged cookie', async () => {
    const res = await http().get('/admin/queues').expect(401);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body).toEqual(problem(401, 'UNAUTHENTICATED', 'A valid access token is required.'));
    await http()
      .get('/admin/queues/api/queues')
      .auth('not.a.token', { type: 'bearer' })
      .expect(401);
    await http().get('/admin/queues/api/queues').set('Cookie', `${COOKIE}=not.a.token`).expect(401);
  });

  it('should send a browser without a cookie to the sign-in page, which is public', async () => {
    const res = await http().get('/admin/queues').set('Accept', 'text/html').expect(303);
    expect(res.headers.location).toBe(SIGN_IN);
    expect(res.headers['set-cookie']).toBeUndefined();
    const page = await http().get(SIGN_IN).expect(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.text).toContain(`<form method="post" action="${SIGN_IN}">`);
    expect(page.text).toContain('name="password" type="password"');
    // The board's own API calls never redirect: they answer 401.
    await http().get('/admin/queues/api/queues').set('Accept', 'text/html').expect(401);
  });

  it('should answer 403 to an organization admin who is not an operator, and to staff', async () => {
    for (const user of [org.admin, org.supervisorA, org.peerA1]) {
      const res = await http()
        .get('/admin/queues/api/queues')
        .auth(user.token, { type: 'bearer' })
        .expect(403);
      expect(res.body).toEqual(
        problem(403, 'FORBIDDEN', 'Only the deployment operators may open the queue dashboard.'),
      );
    }
    await http().get('/admin/queues').auth(org.admin.token, { type: 'bearer' }).expect(403);
  });

  it('should show an operator the board and every queue by bearer token', async () => {
    const page = await http()
      .get('/admin/queues')
      .auth(operator.token, { type: 'bearer' })
      .expect(200);
    expect(page.headers['content-type']).toContain('text/html');
    const res = await http()
      .get('/admin/queues/api/queues')
      .auth(operator.token, { type: 'bearer' })
      .expect(200);
    expect(queueNames(res)).toEqual(Object.values(QueueName).sort());
  });

  it('should sign an operator in with a short-lived, HttpOnly, SameSite=Strict, path-bound cookie, and audit it', async () => {
    const res = await signIn(operator.email).set('X-Correlation-Id', 'qd-sign-in-1').expect(303);
    expect(res.headers.location).toBe(QUEUE_DASHBOARD_PATH);
    const setCookie = cookieOf(res);
    // Plain http to a loopback host (local development): no Secure, which such a browser would drop.
    expect(setCookie).toMatch(
      new RegExp(
        `^${COOKIE}=${JWT.source}; Max-Age=900; Path=/admin/queues; HttpOnly; SameSite=Strict$`,
      ),
    );
    const token = tokenIn(setCookie);
    const board = await http().get('/admin/queues').set('Cookie', `${COOKIE}=${token}`).expect(200);
    expect(board.headers['content-type']).toContain('text/html');
    const queues = await http()
      .get('/admin/queues/api/queues')
      .set('Cookie', `other=1; ${COOKIE}=${token}`)
      .expect(200);
    expect(queueNames(queues)).toEqual(Object.values(QueueName).sort());

    const expected = {
      outcome: 'success',
      actor_id: operator.id,
      actor_role: 'admin',
      resource_type: 'User',
      resource_id: operator.id,
      correlation_id: 'qd-sign-in-1',
    };
    expect(await auditOf(operator.id, 'queue-dashboard.sign-in')).toEqual([
      { action: 'queue-dashboard.sign-in', ...expected },
    ]);
    // AuthService's own login event, with its limits in front of it.
    expect(await auditOf(operator.id, 'auth.login')).toEqual(
      expect.arrayContaining([{ action: 'auth.login', ...expected }]),
    );
    // The session behind the cookie lasts no longer than the cookie.
    const [session] = await t.dataSource.query(
      `SELECT user_id, extract(epoch FROM expires_at - created_at)::int AS ttl FROM auth_session WHERE id = $1`,
      [sessionOf(token)],
    );
    expect(session.user_id).toBe(operator.id);
    expect(session.ttl).toBeGreaterThan(890);
    expect(session.ttl).toBeLessThanOrEqual(901);
  });

  it('should mark the cookie Secure over https (behind a proxy) and for any host but loopback', async () => {
    const https = await signIn(operator.email).set('X-Forwarded-Proto', 'https').expect(303);
    expect(cookieOf(https)).toMatch(
      new RegExp(
        `^${COOKIE}=${JWT.source}; Max-Age=900; Path=/admin/queues; HttpOnly; SameSite=Strict; Secure$`,
      ),
    );
    const remoteHost = await signIn(operator.email).set('Host', 'queues.example.org').expect(303);
    expect(cookieOf(remoteHost)).toMatch(/; HttpOnly; SameSite=Strict; Secure$/);
  });

  it('should refuse sign-in to an organization admin who is not an operator, and end that session', async () => {
    const res = await signIn(org.admin.email).set('X-Correlation-Id', 'qd-denied-1').expect(403);
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(res.text).toContain('Only the deployment operators may open the queue dashboard.');
    const [denied] = await auditOf(org.admin.id, 'queue-dashboard.sign-in');
    expect(denied).toEqual(
      expect.objectContaining({ outcome: 'denied', correlation_id: 'qd-denied-1' }),
    );
    // The factory's session (its bearer token) lives on; the one the sign-in opened is ended.
    const sessions = await t.dataSource.query(
      `SELECT revoked_reason FROM auth_session WHERE user_id = $1 ORDER BY created_at`,
      [org.admin.id],
    );
    expect(sessions).toEqual([{ revoked_reason: null }, { revoked_reason: 'logout' }]);
  });

  it('should answer the sign-in form with 400, 401 and 429 (login limits) pages', async () => {
    const bad = await http().post(SIGN_IN).type('form').send({ email: 'nope' }).expect(400);
    expect(bad.text).toContain('Enter your email address and password.');
    const wrong = await signIn(org.supervisorB.email, 'wrong-password').expect(401);
    expect(wrong.text).toContain('The email or password is incorrect.');
    expect(wrong.headers['set-cookie']).toBeUndefined();
    for (let i = 1; i < 10; i++) await signIn(org.supervisorB.email, 'wrong-password').expect(401);
    const limited = await signIn(org.supervisorB.email).expect(429);
    expect(limited.text).toContain('Too many login attempts; try again later.');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    const json = await http()
      .post(SIGN_IN)
      .send({ email: operator.email, password: TEST_PASSWORD })
      .expect(415);
    expect(json.headers['content-type']).toContain('application/problem+json');
    expect(json.body).toEqual(problem(415, 'UNSUPPORTED_MEDIA_TYPE', 'Unsupported content type.'));
  });

  it("should refuse a sign-in or sign-out posted from another site's page", async () => {
    const res = await signIn(operator.email).set('Sec-Fetch-Site', 'cross-site').expect(403);
    expect(res.headers['set-cookie']).toBeUndefined();
    await signIn(operator.email).set('Sec-Fetch-Site', 'same-site').expect(403);
    const token = tokenIn(cookieOf(await signIn(operator.email).expect(303)));
    await http()
      .post(SIGN_OUT)
      .set('Cookie', `${COOKIE}=${token}`)
      .set('Sec-Fetch-Site', 'cross-site')
      .expect(403);
    await http().get('/admin/queues/api/queues').set('Cookie', `${COOKIE}=${token}`).expect(200);
  });

  it('should refuse an API token sent as the cookie, and the cookie token sent as a bearer token', async () => {
    await http()
      .get('/admin/queues/api/queues')
      .set('Cookie', `${COOKIE}=${operator.token}`)
      .expect(401);
    const token = tokenIn(cookieOf(await signIn(operator.email).expect(303)));
    await http().get('/admin/queues/api/queues').auth(token, { type: 'bearer' }).expect(401);
    await http().get('/api/v1/me').auth(token, { type: 'bearer' }).expect(401);
  });

  it('should refuse an expired cookie, and send a browser holding one to sign in again', async () => {
    const { auth } = t.app.get<Config>(CONFIG);
    const sid = sessionOf(tokenIn(cookieOf(await signIn(operator.email).expect(303))));
    const craft = (exp: number) =>
      sign(
        { sub: operator.id, org: operator.organizationId, role: 'admin', sid, exp },
        auth.jwtKey,
        {
          algorithm: 'HS256',
          issuer: auth.issuer,
          audience: `${auth.audience}/queue-dashboard`,
        },
      );
    const now = Math.floor(Date.now() / 1000);
    // The same token, still valid, passes: only the expiry differs.
    await http()
      .get('/admin/queues/api/queues')
      .set('Cookie', `${COOKIE}=${craft(now + 60)}`)
      .expect(200);
    const expired = `${COOKIE}=${craft(now - 1)}`;
    const res = await http().get('/admin/queues/api/queues').set('Cookie', expired).expect(401);
    expect(res.body).toEqual(problem(401, 'UNAUTHENTICATED', 'A valid access token is required.'));
    const page = await http()
      .get('/admin/queues')
      .set('Cookie', expired)
      .set('Accept', 'text/html')
      .expect(303);
    expect(page.headers.location).toBe(SIGN_IN);
    expect(cookieOf(page)).toBe(
      `${COOKIE}=; Max-Age=0; Path=/admin/queues; HttpOnly; SameSite=Strict`,
    );
  });

  it('should answer 405 to every non-GET dashboard route with a valid cookie or an operator token', async () => {
    const token = tokenIn(cookieOf(await signIn(operator.email).expect(303)));
    const changes = registeredRoutes(t.app).filter(
      (r) =>
        r.url.startsWith(QUEUE_DASHBOARD_PATH) &&
        !['GET', 'HEAD'].includes(r.method) &&
        !r.url.startsWith(`${QUEUE_DASHBOARD_PATH}/auth/`),
    );
    expect(changes.length).toBeGreaterThan(5);
    for (const { method, url } of changes) {
      const path = url.replace(':queueName', 'follow-ups').replace(/:[A-Za-z]+/g, 'x');
      const call = () =>
        http()[method.toLowerCase() as 'post' | 'put' | 'delete' | 'patch'](path).send({});
      const byCookie = await call().set('Cookie', `${COOKIE}=${token}`);
      const byBearer = await call().auth(operator.token, { type: 'bearer' });
      expect([method, url, byCookie.status, byCookie.headers.allow, byBearer.status]).toEqual([
        method,
        url,
        405,
        'GET, HEAD',
        405,
      ]);
      expect(byCookie.body).toEqual(
        problem(405, 'METHOD_NOT_ALLOWED', 'The queue dashboard is read-only.'),
      );
    }
  });

  it('should sign out: clear the cookie, end its session, audit it', async () => {
    const token = tokenIn(cookieOf(await signIn(operator.email).expect(303)));
    const page = await http().get(SIGN_OUT).set('Cookie', `${COOKIE}=${token}`).expect(200);
    expect(page.text).toContain(`<form method="post" action="${SIGN_OUT}">`);
    const res = await http()
      .post(SIGN_OUT)
      .set('Cookie', `${COOKIE}=${token}`)
      .set('X-Correlation-Id', 'qd-sign-out-1')
      .expect(303);
    expect(res.headers.location).toBe(SIGN_IN);
    expect(cookieOf(res)).toBe(
      `${COOKIE}=; Max-Age=0; Path=/admin/queues; HttpOnly; SameSite=Strict`,
    );
    const [session] = await t.dataSource.query(
      `SELECT revoked_at IS NOT NULL AS revoked, revoked_reason FROM auth_session WHERE id = $1`,
      [sessionOf(token)],
    );
    expect(session).toEqual({ revoked: true, revoked_reason: 'logout' });
    const logout = await t.dataSource.query(
      `SELECT actor_id, resource_id FROM audit_event WHERE action = 'auth.logout' AND correlation_id = 'qd-sign-out-1'`,
    );
    expect(logout).toEqual([{ actor_id: operator.id, resource_id: operator.id }]);
    // The old cookie, replayed, opens nothing.
    await http().get('/admin/queues/api/queues').set('Cookie', `${COOKIE}=${token}`).expect(401);
  });
});
