import { Logger } from '@nestjs/common';
import request from 'supertest';

import { resetConfigCache } from '../../src/config/configuration';
import { createClient } from '../factories/client.factory';
import { dischargeBody } from '../factories/discharge.factory';
import { createTestOrg, TestOrg } from '../factories/people.factory';
import { eventually } from '../helpers/eventually';
import { createIsolatedDatabase } from '../helpers/isolated-database';
import { PostgresServer } from '../helpers/postgres-server';
import { createTestApp, TestApp } from '../setup/create-test-app';
import { TEST_ENV } from '../setup/test-env';
import { expectWholeDischarges, retryUntilAccepted } from '../helpers/discharge-outage';

/**
 * Postgres really restarted under load: a private cluster of this file's own (initdb, pg_ctl) is
 * shut down with discharges in flight, stays down a while, and comes back. The shared Postgres
 * is never touched.
 */
describe('discharges while Postgres restarts (e2e)', () => {
  let pg: PostgresServer;
  let t: TestApp;
  let org: TestOrg;
  const http = () => request(t.app.getHttpServer());

  beforeAll(async () => {
    pg = await PostgresServer.create();
    process.env.DATABASE_URL = pg.url('recovery_bridge_test');
    resetConfigCache();
    process.env.DATABASE_URL = await createIsolatedDatabase('restart');
    resetConfigCache();
    t = await createTestApp();
    org = await createTestOrg(t.app);
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    await pg?.destroy();
    process.env.DATABASE_URL = TEST_ENV.DATABASE_URL;
    resetConfigCache();
  }, 30_000);

  it('should answer 201 or 503 (never hang or 500), fail readiness while down, and leave no partial discharge', async () => {
    const clients = await Promise.all(
      Array.from({ length: 12 }, () =>
        createClient(t.dataSource, { organizationId: org.id, specialistId: org.peerA1.id }),
      ),
    );
    const bodies = clients.map(() => dischargeBody());
    const post = (i: number) =>
      http()
        .post(`/api/v1/clients/${clients[i]}/discharges`)
        .auth(org.peerA1.token, { type: 'bearer' })
        .send(bodies[i]);

    // What the app logs as unhandled (a 500), to name the error if one slips through.
    const unhandled: unknown[] = [];
    const spy = jest
      .spyOn(Logger.prototype, 'error')
      .mockImplementation((entry: unknown, message?: unknown) => {
        if (message === 'Unhandled error') unhandled.push(entry);
      });
    const inFlight = clients.slice(0, 8).map((_, i) => post(i).then((r) => r));
    await new Promise((r) => setTimeout(r, 10));
    await pg.stop();
    const duringOutage = await Promise.all(clients.slice(8).map((_, i) => post(8 + i)));
    const ready = await http().get('/health/ready');
    const first = [...(await Promise.all(inFlight)), ...duringOutage];
    const unexpected = first.filter((r) => r.status !== 201 && r.status !== 503);
    spy.mockRestore();
    expect({ unexpected: unexpected.map((r) => [r.status, r.body.code]), unhandled }).toEqual({
      unexpected: [],
      unhandled: [],
    });
    expect(duringOutage.map((r) => r.status)).toEqual([503, 503, 503, 503]);
    expect(duringOutage[0].body.code).toBe('SERVICE_UNAVAILABLE');
    expect(duringOutage[0].headers['retry-after']).toBe('5');
    expect(ready.status).toBe(503);

    await pg.start();
    await eventually(
      async () => ((await http().get('/health/ready')).status === 200 ? true : undefined),
      15_000,
      'ready again',
    );
    await retryUntilAccepted(first, post);
    await expectWholeDischarges(t.dataSource, clients);
  }, 90_000);
});
