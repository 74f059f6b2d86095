import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';

import Redis from 'ioredis';
import request from 'supertest';

import { Role } from '../../src/auth/permissions';
import { resetConfigCache } from '../../src/config/configuration';
import { REDIS } from '../../src/redis/redis.module';
import { createTestApp, TestApp } from '../setup/create-test-app';
import { createOrganization, createUser, TEST_PASSWORD } from '../factories/people.factory';
import { problem } from '../helpers/problem';
import { TEST_ENV } from '../setup/test-env';

describe('login brute-force limits (e2e)', () => {
  let t: TestApp;
  const http = () => request(t.app.getHttpServer());
  beforeAll(async () => (t = await createTestApp()));
  afterAll(() => t.close());

  it('should answer 429 with Retry-After after 10 failures for one account, even with the right password', async () => {
    const org = await createOrganization(t.dataSource);
    await createUser(t.app, org, Role.Admin);
    const peer = await createUser(t.app, org, Role.PeerSpecialist);
    for (let i = 0; i < 10; i++) {
      await http()
        .post('/api/v1/auth/login')
        .set('X-Forwarded-For', `198.51.100.${i}`)
        .send({ email: peer.email, password: 'wrong-password' })
        .expect(401);
    }
    const res = await http()
      .post('/api/v1/auth/login')
      .set('X-Forwarded-For', '198.51.100.77')
      .send({ email: peer.email, password: TEST_PASSWORD })
      .expect(429);
    expect(res.body).toEqual(
      problem(429, 'RATE_LIMITED', 'Too many login attempts; try again later.'),
    );
    const retryAfter = Number(res.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(800);
    expect(retryAfter).toBeLessThanOrEqual(900);
    // The lockout queues one notification job for the organization's admins.
    const jobs = await t.dataSource.query(
      `SELECT job_name, payload FROM outbox WHERE payload->>'userId' = $1`,
      [peer.id],
    );
    expect(jobs).toEqual([
      {
        job_name: 'security.account-locked',
        payload: expect.objectContaining({ organizationId: org, userId: peer.id }),
      },
    ]);
  });

  it('should not let a success forgive earlier failures: the 10th failure in the window still locks', async () => {
    const org = await createOrganization(t.dataSource);
    const peer = await createUser(t.app, org, Role.PeerSpecialist);
    const attempt = (password: string) =>
      http()
        .post('/api/v1/auth/login')
        .set('X-Forwarded-For', '198.51.100.120')
        .send({ email: peer.email, password });
    for (let i = 0; i < 9; i++) await attempt('wrong-password').expect(401);
    // The right password is let in (and gives back its own attempt) but clears nothing...
    await attempt(TEST_PASSWORD).expect(200);
    // ...so one more failure is the 10th of the window, and the account is locked.
    await attempt('wrong-password').expect(401);
    const res = await attempt(TEST_PASSWORD).expect(429);
    expect(res.body).toEqual(
      problem(429, 'RATE_LIMITED', 'Too many login attempts; try again later.'),
    );
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(800);
  });

  it('should answer 429 after 100 attempts a minute from one IP', async () => {
    const ip = '203.0.113.9';
    // Start early in a minute: the 101 attempts then fall within one minute's bucket.
    const intoMinute = Date.now() % 60_000;
    if (intoMinute > 40_000) await new Promise((r) => setTimeout(r, 60_000 - intoMinute + 100));
    const responses: request.Response[] = [];
    for (let i = 0; i < 101; i++) {
      responses.push(
        await http()
          .post('/api/v1/auth/login')
          .set('X-Forwarded-For', ip)
          .send({ email: `nobody${i}@example.test`, password: 'x' }),
      );
    }
    expect(responses.slice(0, 100).every((r) => r.status === 401)).toBe(true);
    const limited = responses[100];
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual(
      problem(429, 'RATE_LIMITED', 'Too many login attempts; try again later.'),
    );
    const retryAfter = Number(limited.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // Another address is not affected.
    await http()
      .post('/api/v1/auth/login')
      .set('X-Forwarded-For', '203.0.113.10')
      .send({ email: 'nobody@example.test', password: 'x' })
      .expect(401);
  }, 90_000);

  it('should count the previous minute too (a sliding minute): a burst across the boundary is refused', async () => {
    const ip = '203.0.113.77';
    const intoMinute = Date.now() % 60_000;
    if (intoMinute > 30_000) await new Promise((r) => setTimeout(r, 60_000 - intoMinute + 100));
    const minute = Math.floor(Date.now() / 60_000);
    await t.app.get<Redis>(REDIS).set(`{login}:ip:${ip}:${minute - 1}`, '1000', 'EX', 120);
    const res = await http()
      .post('/api/v1/auth/login')
      .set('X-Forwarded-For', ip)
      .send({ email: 'nobody@example.test', password: 'x' })
      .expect(429);
    expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(25);
    await http()
      .post('/api/v1/auth/login')
      .set('X-Forwarded-For', '203.0.113.78')
      .send({ email: 'nobody@example.test', password: 'x' })
      .expect(401);
  }, 60_000);

  describe('which address the per-IP limit counts', () => {
    const LIMIT = 5;
    let app: TestApp;
    const redis = () => app.app.get<Redis>(REDIS);
    // Each attempt names a new account: only the per-IP limit can answer 429.
    const attempt = (forwardedFor?: string) => {
      const req = request(app.app.getHttpServer()).post('/api/v1/auth/login');
      if (forwardedFor) req.set('X-Forwarded-For', forwardedFor);
      return req.send({ email: `nobody-${randomUUID()}@example.test`, password: 'wrong-password' });
    };
    /** LIMIT attempts are checked (401), the next one is refused (429). */
    const expectLimitedAfter = async (forwardedFor: (i: number) => string | undefined) => {
      const statuses: number[] = [];
      for (let i = 0; i <= LIMIT; i++) statuses.push((await attempt(forwardedFor(i))).status);
      expect(statuses).toEqual([...Array<number>(LIMIT).fill(401), 429]);
    };
    const withTrustProxy = (trustProxy: string) => {
      beforeAll(async () => {
        // Start early in a minute: every attempt of a test then falls in one minute's bucket.
        const intoMinute = Date.now() % 60_000;
        if (intoMinute > 50_000) await new Promise((r) => setTimeout(r, 60_000 - intoMinute + 100));
        process.env.TRUST_PROXY = trustProxy;
        process.env.LOGIN_IP_MAX_PER_MINUTE = String(LIMIT);
        resetConfigCache();
        app = await createTestApp();
      }, 30_000);
      afterAll(async () => {
        await app.close();
        process.env.TRUST_PROXY = TEST_ENV.TRUST_PROXY;
        delete process.env.LOGIN_IP_MAX_PER_MINUTE;
        resetConfigCache();
      });
    };

    describe('behind one trusted hop (TRUST_PROXY=1)', () => {
      withTrustProxy('1');

      it('should count the entry the proxy added, however the client rotates the entries left of it', async () => {
        await expectLimitedAfter((i) => `100.64.0.${i + 1}, 10.9.${i}.7, 203.0.113.50`);
        // No Redis key was made per invented address.
        expect(await redis().keys('{login}:ip:100.64.*')).toEqual([]);
        expect(await redis().keys('{login}:ip:10.9.*')).toEqual([]);
        expect(await redis().keys('{login}:ip:203.0.113.50:*')).toHaveLength(1);
        await attempt('203.0.113.51').expect(401);
      });

      it('should share one bucket among the IPv6 addresses of a /64, and not with the next /64', async () => {
        await expectLimitedAfter(
          (i) => `2001:db8:7:1:${i.toString(16)}:${randomUUID().slice(0, 4)}::${i + 1}`,
        );
        await attempt('2001:db8:7:2::1').expect(401);
      });

      it('should count an IPv4-mapped IPv6 address as the IPv4 one', async () => {
        await expectLimitedAfter((i) => (i % 2 ? '::ffff:203.0.113.52' : '203.0.113.52'));
      });
    });

    describe('behind proxies listed by address (TRUST_PROXY=127.0.0.0/8,10.0.0.0/8)', () => {
      withTrustProxy('127.0.0.0/8,10.0.0.0/8');

      it('should count the right-most entry that no trusted proxy added', async () => {
        await expectLimitedAfter((i) => `100.64.0.${i + 1}, 203.0.113.60, 10.0.${i}.1, 10.1.1.1`);
        expect(await redis().keys('{login}:ip:100.64.*')).toEqual([]);
        expect(await redis().keys('{login}:ip:10.*')).toEqual([]);
      });

      it('should stop at an untrusted hop: entries left of it are the client’s say-so', async () => {
        // 192.0.2.9 is no listed proxy, so it is the client, whatever it claims to forward.
        await expectLimitedAfter((i) => `203.0.113.${100 + i}, 192.0.2.9`);
      });
    });

    describe('with TRUST_PROXY=true (kept: it means one hop)', () => {
      withTrustProxy('true');

      it('should count the right-most entry, not the client-chosen left-most one', async () => {
        await expectLimitedAfter((i) => `100.64.0.${i + 1}, 203.0.113.70`);
      });
    });

    describe('trusting no proxy (TRUST_PROXY=false, the default)', () => {
      withTrustProxy('false');

      it('should ignore X-Forwarded-For and count the connection’s address', async () => {
        // Every earlier sign-in of the run without a forwarded address counted against 127.0.0.1.
        const earlier = await redis().keys('{login}:ip:127.0.0.1:*');
        if (earlier.length > 0) await redis().del(...earlier);
        await expectLimitedAfter((i) => `100.64.0.${i + 1}`);
        expect(await redis().keys('{login}:ip:100.64.*')).toEqual([]);
      });
    });
  });

  it('should refuse to start, naming the variable, when TRUST_PROXY is not a setting it understands', async () => {
    const child = spawn(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', 'src/main.ts'],
      {
        env: { ...process.env, TRUST_PROXY: 'banana' },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(1);
    expect(stderr).toMatch(
      /Invalid environment configuration:\n\s+TRUST_PROXY: must be false, a hop count/,
    );
  }, 60_000);
});
