import request from 'supertest';

import { resetConfigCache } from '../../src/config/configuration';
import { createTestApp, TestApp } from '../setup/create-test-app';
import { createTestOrg, TestOrg } from '../factories/people.factory';
import { TcpProxy } from '../helpers/tcp-proxy';
import { TEST_ENV } from '../setup/test-env';

describe('when Postgres goes away and comes back (e2e)', () => {
  const proxy = new TcpProxy(5432);
  let t: TestApp;
  let org: TestOrg;
  const http = () => request(t.app.getHttpServer());

  beforeAll(async () => {
    const port = await proxy.start();
    const url = new URL(TEST_ENV.DATABASE_URL);
    url.port = String(port);
    process.env.DATABASE_URL = url.toString();
    resetConfigCache();
    t = await createTestApp();
    org = await createTestOrg(t.app);
  });
  afterAll(async () => {
    await t.close();
    await proxy.cut();
    process.env.DATABASE_URL = TEST_ENV.DATABASE_URL;
    resetConfigCache();
  });

  it('should answer 503 with Retry-After (not hang or crash), then recover', async () => {
    await http().get('/api/v1/users').auth(org.admin.token, { type: 'bearer' }).expect(200);
    await proxy.cut();
    const down = await http().get('/api/v1/users').auth(org.admin.token, { type: 'bearer' });
    expect(down.status).toBe(503);
    expect(down.headers['retry-after']).toBe('5');
    expect(down.body).toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE' });
    expect(JSON.stringify(down.body)).not.toMatch(/ECONN|5432|postgres/i);
    const ready = await http().get('/health/ready').expect(503);
    expect(ready.body.checks.postgres.status).toBe('down');
    await proxy.restore();
    let status = 0;
    for (let i = 0; i < 50 && status !== 200; i++) {
      status = (await http().get('/api/v1/users').auth(org.admin.token, { type: 'bearer' })).status;
      if (status !== 200) await new Promise((r) => setTimeout(r, 100));
    }
    expect(status).toBe(200);
    await http().get('/health/ready').expect(200);
  });
});
