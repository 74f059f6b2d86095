import { ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';

import { loadConfig } from '../../src/config/configuration';
import { createDataSource } from '../../src/database/data-source';
import { createIsolatedDatabase, dropIsolatedDatabase } from '../helpers/isolated-database';

async function unusedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

interface Started {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | string | null>;
}

// Every child this file started, stopped after each test whatever its outcome.
const children = new Set<ChildProcess>();

function start(entry: string, env: Record<string, string>): Started {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', entry], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  child.on('exit', () => children.delete(child));
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d) => (stdout += d));
  child.stderr?.on('data', (d) => (stderr += d));
  const exited = new Promise<number | string | null>((resolve) =>
    child.on('exit', (code, signal) => resolve(code ?? signal)),
  );
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

async function until(check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await Promise.resolve(check()).catch(() => false))) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 200));
  }
}

const BANNER = 'demo login(s) (*@demo.test) are active in this database';

// Security review, issue 11, finding 8: the API and the worker refuse a database role that could
// rewrite the audit trail, and shout while logins with the published demo password exist.
describe('start-up safety (spawned API and worker)', () => {
  const owner = createDataSource(loadConfig().db);
  beforeAll(() => owner.initialize());
  afterEach(() => {
    for (const child of children) child.kill('SIGKILL');
  });
  afterAll(() => owner.destroy());

  it.each(['src/main.ts', 'src/worker.ts'])(
    'should refuse to start %s (exit 1, naming DATABASE_APP_URL, never the password) when it connects as the schema owner',
    async (entry) => {
      const password = `Never-Print-${randomUUID()}`;
      const url = new URL(loadConfig().db.url); // the owner (a superuser here; trust auth)
      url.password = password;
      const role = decodeURIComponent(url.username);
      const run = start(entry, {
        DATABASE_APP_URL: url.toString(),
        PORT: String(await unusedPort()),
      });
      expect(await run.exited).toBe(1);
      const output = run.stdout() + run.stderr();
      expect(run.stderr()).toContain(
        `DATABASE_APP_URL connects as role "${role}", which is a superuser, owns audit_event (or is a member of its owner), may UPDATE audit_event, may DELETE audit_event, may TRUNCATE audit_event.`,
      );
      expect(run.stderr()).toContain('Refusing to start.');
      expect(output).not.toContain(password);
    },
    60_000,
  );

  it('should refuse a role that is not the owner but may DELETE from audit_event', async () => {
    const role = `rb_test_loose_${process.pid}`;
    const [left] = await owner.query(`SELECT 1 FROM pg_roles WHERE rolname = $1`, [role]);
    if (left) await owner.query(`DROP OWNED BY ${role}; DROP ROLE ${role}`);
    await owner.query(`CREATE ROLE ${role} LOGIN IN ROLE recovery_bridge_app`);
    await owner.query(`GRANT DELETE ON audit_event TO ${role}`);
    try {
      const url = new URL(loadConfig().db.url);
      url.username = role;
      const run = start('src/main.ts', {
        DATABASE_APP_URL: url.toString(),
        PORT: String(await unusedPort()),
      });
      expect(await run.exited).toBe(1);
      expect(run.stderr()).toContain(
        `DATABASE_APP_URL connects as role "${role}", which may DELETE audit_event.`,
      );
    } finally {
      await owner.query(`DROP OWNED BY ${role}; DROP ROLE ${role}`);
    }
  }, 60_000);

  it('should print a warning banner (stderr and the log) at API and worker start while demo logins are active, and none once they are not', async () => {
    // A database of its own: the case deactivates every demo login, which the suites that log in
    // as demo users must not meet in the shared test database.
    const dbUrl = await createIsolatedDatabase('banner');
    const db = createDataSource({ ...loadConfig().db, url: dbUrl });
    await db.initialize();
    try {
      const email = `banner-${randomUUID()}@demo.test`;
      const [org] = await db.query(
        `INSERT INTO organization (name) VALUES ('Banner test') RETURNING id`,
      );
      await db.query(
        `INSERT INTO app_user (organization_id, email, password_hash, first_name, last_name, role)
         VALUES ($1, $2, 'x', 'Demo', 'User', 'admin')`,
        [org.id, email],
      );
      // Not NODE_ENV=test, whose suites seed the demo on purpose and skip the banner.
      const env = { NODE_ENV: 'development', LOG_LEVEL: 'warn', DATABASE_URL: dbUrl };
      for (const entry of ['src/main.ts', 'src/worker.ts']) {
        const run = start(entry, { ...env, PORT: String(await unusedPort()) });
        try {
          await until(() => run.stderr().includes(BANNER) && run.stdout().includes(BANNER), 40_000);
        } finally {
          run.child.kill('SIGTERM');
        }
        await run.exited;
        expect(run.stderr()).toContain('WARNING');
        const logged = run
          .stdout()
          .split('\n')
          .filter((line) => line.includes(BANNER))
          .map((line) => JSON.parse(line));
        expect(logged).toEqual([expect.objectContaining({ level: 40 })]);
      }
      await db.query(`UPDATE app_user SET active = false WHERE email LIKE '%@demo.test'`);
      const port = await unusedPort();
      const quiet = start('src/main.ts', { ...env, PORT: String(port) });
      try {
        await until(async () => (await fetch(`http://127.0.0.1:${port}/health/live`)).ok, 40_000);
      } finally {
        quiet.child.kill('SIGTERM');
      }
      await quiet.exited;
      expect(quiet.stderr()).not.toContain(BANNER);
    } finally {
      await db.destroy();
      await dropIsolatedDatabase(dbUrl);
    }
  }, 120_000);
});
