import request from 'supertest';

import { seedDemoDatabase } from '../../src/database/seeds/demo';
import { DEMO_RESOURCES } from '../../src/database/seeds/resources.seed';
import { JobName } from '../../src/queue/jobs';
import { createTestApp, TestApp } from '../setup/create-test-app';

const DEMO_PASSWORD = 'Recovery-Demo-2026!';

describe('demo seed: a resource directory and a referral out', () => {
  let t: TestApp;
  let token: string;
  beforeAll(async () => {
    t = await createTestApp();
    await seedDemoDatabase();
    await seedDemoDatabase(); // idempotent
    const login = await request(t.app.getHttpServer())
      .post('/api/v1/auth/login')
      .set('X-Forwarded-For', '192.0.2.202')
      .send({ email: 'peer1@demo.test', password: DEMO_PASSWORD })
      .expect(200);
    token = login.body.accessToken;
  });
  afterAll(() => t.close());

  it('should show peer1 the demo directory at once, by name', async () => {
    const res = await request(t.app.getHttpServer())
      .get('/api/v1/resources?limit=100')
      .auth(token, { type: 'bearer' })
      .expect(200);
    expect(res.body.items.map((r: { name: string }) => r.name)).toEqual(
      DEMO_RESOURCES.map((r) => r.name).sort(),
    );
    const near = await request(t.app.getHttpServer())
      .get('/api/v1/resources?near=39.9526,-75.1652&radiusKm=1')
      .auth(token, { type: 'bearer' })
      .expect(200);
    expect(near.body.items.map((r: { name: string }) => r.name)).toEqual([
      'Harbor Light Recovery Residences',
    ]);
  });

  it('should seed one referral out on peer1’s client, with its task job in the outbox', async () => {
    const referrals = await t.dataSource.query(
      `SELECT x.id, x.client_id FROM referral_out x JOIN community_resource r ON r.id = x.resource_id
        WHERE r.name = 'Harbor Light Recovery Residences'`,
    );
    expect(referrals).toHaveLength(1);
    const res = await request(t.app.getHttpServer())
      .get(`/api/v1/clients/${referrals[0].client_id}/referrals-out`)
      .auth(token, { type: 'bearer' })
      .expect(200);
    expect(res.body.items).toEqual([
      expect.objectContaining({
        id: referrals[0].id,
        status: 'sent',
        need: 'housing',
        resourceName: 'Harbor Light Recovery Residences',
      }),
    ]);
    expect(
      await t.dataSource.query(`SELECT job_name FROM outbox WHERE job_id = $1`, [
        `referral-out-follow-up.${referrals[0].id}`,
      ]),
    ).toEqual([{ job_name: JobName.ReferralOutFollowUp }]);
  });
});
