import request from 'supertest';

import { loadConfig } from '../../src/config/configuration';
import { DEMO_ORGANIZATION, seedDemoDatabase } from '../../src/scripts/seed-demo';
import { createTestApp, TestApp } from '../setup/create-test-app';

const DEMO_PASSWORD = 'Recovery-Demo-2026!';

describe('demo seed (SPEC section 12)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
    await seedDemoDatabase();
    await seedDemoDatabase(); // idempotent
  });
  afterAll(() => t.close());

  it('should refuse to seed in production, writing nothing', async () => {
    const config = loadConfig();
    const before = await t.dataSource.query(`SELECT count(*)::int AS n FROM app_user`);
    await expect(
      seedDemoDatabase({ ...config, app: { ...config.app, env: 'production' } }),
    ).rejects.toThrow('seed:demo is refused when NODE_ENV=production');
    expect(await t.dataSource.query(`SELECT count(*)::int AS n FROM app_user`)).toEqual(before);
  });

  it('should create one demo organization with teams North and South', async () => {
    const orgs = await t.dataSource.query(`SELECT id FROM organization WHERE name = $1`, [
      DEMO_ORGANIZATION,
    ]);
    expect(orgs).toHaveLength(1);
    const teams = await t.dataSource.query(
      `SELECT t.name, array_agg(u.email || ':' || m.membership ORDER BY u.email) AS members
       FROM team t JOIN team_member m ON m.team_id = t.id JOIN app_user u ON u.id = m.user_id
       WHERE t.organization_id = $1 GROUP BY t.name ORDER BY t.name`,
      [orgs[0].id],
    );
    expect(teams).toEqual([
      {
        name: 'North',
        members: [
          'peer1@demo.test:member',
          'peer2@demo.test:member',
          'supervisor@demo.test:supervisor',
        ],
      },
      { name: 'South', members: ['peer3@demo.test:member', 'supervisor2@demo.test:supervisor'] },
    ]);
  });

  it.each([
    ['admin@demo.test', 'admin'],
    ['supervisor@demo.test', 'supervisor'],
    ['supervisor2@demo.test', 'supervisor'],
    ['peer1@demo.test', 'peer_specialist'],
    ['peer2@demo.test', 'peer_specialist'],
    ['peer3@demo.test', 'peer_specialist'],
  ])('should let %s log in as %s', async (email, role) => {
    const login = await request(t.app.getHttpServer())
      .post('/api/v1/auth/login')
      .set('X-Forwarded-For', '192.0.2.200')
      .send({ email, password: DEMO_PASSWORD })
      .expect(200);
    const me = await request(t.app.getHttpServer())
      .get('/api/v1/me')
      .auth(login.body.accessToken, { type: 'bearer' })
      .expect(200);
    expect(me.body).toMatchObject({ email, role });
  });
});
