import request from 'supertest';

import { seedDemoDatabase } from '../../src/database/seeds/demo';
import { createTestApp, TestApp } from '../setup/create-test-app';

const DEMO_PASSWORD = 'Recovery-Demo-2026!';

describe('demo seed: a recent discharge with follow-ups due soon', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
    await seedDemoDatabase();
    await seedDemoDatabase(); // idempotent
  });
  afterAll(() => t.close());

  it('should seed one discharge whose warm hand-off is due within a day, in peer1’s queue', async () => {
    const discharges = await t.dataSource.query(
      `SELECT id FROM discharge WHERE facility = 'Demo Valley Withdrawal Center'`,
    );
    expect(discharges).toHaveLength(1);
    const login = await request(t.app.getHttpServer())
      .post('/api/v1/auth/login')
      .set('X-Forwarded-For', '192.0.2.201')
      .send({ email: 'peer1@demo.test', password: DEMO_PASSWORD })
      .expect(200);
    const res = await request(t.app.getHttpServer())
      .get('/api/v1/follow-ups?view=mine&limit=100')
      .auth(login.body.accessToken, { type: 'bearer' })
      .expect(200);
    const seeded = res.body.items.filter(
      (f: { dischargeId: string }) => f.dischargeId === discharges[0].id,
    );
    expect(seeded).toHaveLength(8);
    const handoff = seeded.find((f: { label: string }) => f.label === 'warm-handoff');
    expect(new Date(handoff.dueAt).getTime() - Date.now()).toBeLessThan(24 * 3600_000);
    const [{ n }] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM follow_up_job j JOIN follow_up f ON f.id = j.follow_up_id WHERE f.discharge_id = $1`,
      [discharges[0].id],
    );
    expect(n).toBeGreaterThanOrEqual(8);
  });
});
