import { ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';

import request from 'supertest';

import { Config, loadConfig } from '../../src/config/configuration';
import { validateEnvironment } from '../../src/config/env.validation';
import { createDataSource } from '../../src/database/data-source';
import { demoSeedDecision, seedDemoDatabase } from '../../src/database/seeds/demo';
import { DEMO_IDS } from '../../src/database/seeds/demo-ids';
import { DEMO_ORGANIZATION } from '../../src/database/seeds/demo-people';
import { createIsolatedDatabase, dropIsolatedDatabase } from '../helpers/isolated-database';
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

  it('should seed the people and the client the API documentation names under their fixed ids', async () => {
    // The demo logins by email (other test files add users of the demo domain to this database).
    const users = await t.dataSource.query(
      `SELECT email, id FROM app_user WHERE email = ANY ($1) ORDER BY email`,
      [Object.keys(DEMO_IDS.users)],
    );
    expect(
      Object.fromEntries(users.map((u: { email: string; id: string }) => [u.email, u.id])),
    ).toEqual(DEMO_IDS.users);
    expect(
      await t.dataSource.query(`SELECT name FROM team WHERE id = ANY($1) ORDER BY name`, [
        Object.values(DEMO_IDS.teams),
      ]),
    ).toEqual([{ name: 'North' }, { name: 'South' }]);
    expect(
      await t.dataSource.query(
        `SELECT c.first_name FROM client c JOIN client_identifier i ON i.client_id = c.id
         WHERE c.id = $1 AND i.value = 'P1-01' AND c.primary_specialist_id = $2`,
        [DEMO_IDS.client, DEMO_IDS.users['peer1@demo.test']],
      ),
    ).toEqual([{ first_name: 'Juniper' }]);
  });

  it('should seed again over demo records changed through the API (a team or resource renamed, a credential expired), their fixed ids taken', async () => {
    const base = loadConfig();
    const url = await createIsolatedDatabase('demo_reseed');
    const config: Config = { ...base, db: { ...base.db, url } };
    const ds = createDataSource(config.db);
    try {
      await seedDemoDatabase(config);
      await ds.initialize();
      await ds.query(`UPDATE team SET name = 'North Star' WHERE id = $1`, [DEMO_IDS.teams.North]);
      await ds.query(`UPDATE community_resource SET name = 'Harbor Light' WHERE id = $1`, [
        DEMO_IDS.resource,
      ]);
      await ds.query(
        `UPDATE specialist_certification SET issued_on = current_date - 800, expires_on = current_date - 1
         WHERE id = $1`,
        [DEMO_IDS.certification],
      );
      await seedDemoDatabase(config);
      expect(await ds.query(`SELECT name FROM team ORDER BY name`)).toEqual([
        { name: 'North' },
        { name: 'North Star' },
        { name: 'South' },
      ]);
      const [{ n }] = await ds.query(
        `SELECT count(*)::int AS n FROM specialist_certification WHERE user_id = $1 AND expires_on > current_date`,
        [DEMO_IDS.users['peer1@demo.test']],
      );
      expect(n).toBe(1);
    } finally {
      if (ds.isInitialized) await ds.destroy();
      await dropIsolatedDatabase(url);
    }
  });

  describe('when npm start seeds it (security review, issue 11)', () => {
    let freshUrl: string;
    const withApp = (app: Partial<Config['app']>, url?: string): Config => {
      const config = loadConfig();
      return {
        ...config,
        app: { ...config.app, ...app },
        db: url ? { ...config.db, url } : config.db,
      };
    };
    const organizations = async (url: string): Promise<number> => {
      const ds = createDataSource({ ...loadConfig().db, url });
      await ds.initialize();
      try {
        return (await ds.query(`SELECT count(*)::int AS n FROM organization`))[0].n;
      } finally {
        await ds.destroy();
      }
    };

    beforeAll(async () => {
      freshUrl = await createIsolatedDatabase('demo_fresh');
      // The shared test database holds another organization.
      await t.dataSource.query(`INSERT INTO organization (name) VALUES ('Not the demo')`);
    });
    afterAll(() => dropIsolatedDatabase(freshUrl));

    it('should seed for npm start (--demo) into a fresh database (deciding writes nothing)', async () => {
      const decision = await demoSeedDecision(withApp({ demoData: undefined }, freshUrl), true);
      expect(decision).toEqual({
        seed: true,
        reason: 'npm start on a database without other organizations',
      });
      expect(await organizations(freshUrl)).toBe(0);
    });

    it('should not seed without the request (start.js alone) when DEMO_DATA is unset', async () => {
      expect(await demoSeedDecision(withApp({ demoData: undefined }, freshUrl), false)).toEqual({
        seed: false,
        reason: 'demo data is seeded only by `npm start` (start.js --demo) or with DEMO_DATA=true',
      });
    });

    it('should not seed for npm start into a database holding another organization', async () => {
      const decision = await demoSeedDecision(withApp({ demoData: undefined }), true);
      expect(decision.seed).toBe(false);
      expect(decision.reason).toMatch(
        /^the database holds \d+ other organization\(s\); set DEMO_DATA=true to seed the demo into it anyway$/,
      );
    });

    it('should follow DEMO_DATA when set: true seeds anywhere, false never', async () => {
      expect(await demoSeedDecision(withApp({ demoData: true }), false)).toEqual({
        seed: true,
        reason: 'DEMO_DATA=true',
      });
      expect(await demoSeedDecision(withApp({ demoData: false }, freshUrl), true)).toEqual({
        seed: false,
        reason: 'DEMO_DATA=false',
      });
    });

    it('should never seed in production, and refuse DEMO_DATA=true there at start', async () => {
      expect(
        await demoSeedDecision(withApp({ env: 'production', demoData: undefined }, freshUrl), true),
      ).toEqual({ seed: false, reason: 'demo data is never seeded when NODE_ENV=production' });
      expect(() =>
        validateEnvironment({
          NODE_ENV: 'production',
          JWT_SECRET: 'x'.repeat(44),
          DEMO_DATA: 'true',
        }),
      ).toThrow('DEMO_DATA: demo data is refused in production');
      expect(validateEnvironment({ DEMO_DATA: 'false' }).DEMO_DATA).toBe('false');
    });

    it('should make npm start (start.js --demo) seed a fresh database and print the banner, and start.js alone seed nothing', async () => {
      const url = await createIsolatedDatabase('demo_start');
      const children: ChildProcess[] = [];
      const runStart = async (args: string[]) => {
        const port = await unusedPort();
        const child = spawn(
          process.execPath,
          ['-r', 'ts-node/register/transpile-only', 'src/scripts/start.ts', ...args],
          {
            env: { ...process.env, DATABASE_URL: url, PORT: String(port), NODE_ENV: 'development' },
            stdio: ['ignore', 'pipe', 'pipe'],
          },
        );
        children.push(child);
        let out = '';
        child.stdout?.on('data', (d) => (out += d));
        child.stderr?.on('data', (d) => (out += d));
        const exited = new Promise((resolve) => child.on('exit', resolve));
        try {
          await eventuallyOk(async () => (await fetch(`http://127.0.0.1:${port}/health/live`)).ok);
          // The worker's banner comes with its own start; give it the time to.
          await eventuallyOk(
            async () => !out.includes('demo data ready') || countBanners(out) >= 2,
          );
        } finally {
          child.kill('SIGTERM');
        }
        await exited;
        return out;
      };
      try {
        const plain = await runStart([]);
        expect(plain).toContain(
          'demo data not seeded: demo data is seeded only by `npm start` (start.js --demo) or with DEMO_DATA=true',
        );
        expect(countBanners(plain)).toBe(0);
        expect(await organizations(url)).toBe(0);
        const demo = await runStart(['--demo']);
        expect(demo).toContain(
          'demo data ready (npm start on a database without other organizations;',
        );
        // API and worker each warn that the published demo logins are active.
        expect(countBanners(demo)).toBe(2);
        expect(await organizations(url)).toBe(1);
      } finally {
        for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
        await dropIsolatedDatabase(url);
      }
    }, 120_000);
  });
});

const countBanners = (output: string): number =>
  output.split('demo login(s) (*@demo.test) are active in this database').length - 1;

async function unusedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function eventuallyOk(check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 200));
  }
}
