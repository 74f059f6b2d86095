import Redis from 'ioredis';
import request from 'supertest';

import { Role } from '../../src/auth/permissions';
import { REDIS } from '../../src/redis/redis.module';
import { createTestApp, TestApp } from '../setup/create-test-app';
import { createOrganization, createUser, TEST_PASSWORD } from '../factories/people.factory';
import { problem } from '../helpers/problem';

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
    await t.app.get<Redis>(REDIS).set(`login:ip:${ip}:${minute - 1}`, '1000', 'EX', 120);
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
});
