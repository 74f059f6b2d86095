import { createServer } from 'node:net';

import request from 'supertest';

import { resetConfigCache } from '../../src/config/configuration';
import { createTestApp, TestApp } from '../setup/create-test-app';
import { createTestOrg, TEST_PASSWORD } from '../factories/people.factory';
import { TEST_ENV } from '../setup/test-env';

async function unusedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe('when Redis is down (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    process.env.REDIS_URL = `redis://127.0.0.1:${await unusedPort()}`;
    resetConfigCache();
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
    process.env.REDIS_URL = TEST_ENV.REDIS_URL;
    resetConfigCache();
  });

  it('should fail readiness with 503 and Retry-After, while liveness holds', async () => {
    await request(t.app.getHttpServer()).get('/health/live').expect(200);
    const res = await request(t.app.getHttpServer()).get('/health/ready').expect(503);
    expect(res.headers['retry-after']).toBe('5');
    expect(res.body).toMatchObject({
      status: 503,
      code: 'SERVICE_UNAVAILABLE',
      checks: { postgres: { status: 'up' }, redis: { status: 'down' } },
    });
  });

  it('should still let staff sign in (the brute-force limiter fails open) and read', async () => {
    const org = await createTestOrg(t.app);
    const login = await request(t.app.getHttpServer())
      .post('/api/v1/auth/login')
      .send({ email: org.peerA1.email, password: TEST_PASSWORD })
      .expect(200);
    await request(t.app.getHttpServer())
      .get('/api/v1/me')
      .auth(login.body.accessToken, { type: 'bearer' })
      .expect(200);
  });
});
