import request from 'supertest';

import { resetConfigCache } from '../../src/config/configuration';
import { createTestApp, TestApp } from '../setup/create-test-app';
import { createClient } from '../factories/client.factory';
import { dischargeBody } from '../factories/discharge.factory';
import { createTestOrg, TestOrg } from '../factories/people.factory';
import { TcpProxy } from '../helpers/tcp-proxy';
import { TEST_ENV } from '../setup/test-env';
import { expectWholeDischarges, retryUntilAccepted } from '../helpers/discharge-outage';

/**
 * Postgres "restarted" under load, from the API's side: its connections (through a proxy) drop
 * while discharges are in flight, then come back. The shared Postgres itself is never stopped.
 */
describe('discharges while Postgres goes away and comes back (e2e)', () => {
  const proxy = new TcpProxy(Number(new URL(TEST_ENV.DATABASE_URL).port || 5432));
  let t: TestApp;
  let org: TestOrg;

  beforeAll(async () => {
    const url = new URL(TEST_ENV.DATABASE_URL);
    url.port = String(await proxy.start());
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

  it('should answer 201 or 503, never leave a partial discharge, and accept the retries afterwards', async () => {
    const clients = await Promise.all(
      Array.from({ length: 12 }, () =>
        createClient(t.dataSource, { organizationId: org.id, specialistId: org.peerA1.id }),
      ),
    );
    const bodies = clients.map(() => dischargeBody());
    const post = (i: number) =>
      request(t.app.getHttpServer())
        .post(`/api/v1/clients/${clients[i]}/discharges`)
        .auth(org.peerA1.token, { type: 'bearer' })
        .send(bodies[i]);

    const inFlight = clients.slice(0, 8).map((_, i) => post(i).then((r) => r));
    await new Promise((r) => setTimeout(r, 15));
    await proxy.cut();
    const duringOutage = await Promise.all(clients.slice(8).map((_, i) => post(8 + i)));
    const first = [...(await Promise.all(inFlight)), ...duringOutage];
    expect(first.every((r) => r.status === 201 || r.status === 503)).toBe(true);
    expect(duringOutage.map((r) => r.status)).toEqual([503, 503, 503, 503]);
    expect(duringOutage[0].headers['retry-after']).toBe('5');

    await proxy.restore();
    await retryUntilAccepted(first, post);
    await expectWholeDischarges(t.dataSource, clients);
  });
});
