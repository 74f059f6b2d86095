import { Client } from 'pg';

import { MIGRATIONS } from '../../migrations';
import { loadConfig, resetConfigCache } from '../../src/config/configuration';
import { setupDatabase } from '../../src/scripts/db-setup';
import { dropIsolatedDatabase } from '../helpers/isolated-database';

async function query<T>(url: string, sql: string): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

describe('db-setup: the migration step of npm start and docker compose', () => {
  const saved = { ...process.env };
  let url: string;

  beforeAll(async () => {
    const base = new URL(loadConfig().db.url);
    base.pathname = `${base.pathname}_setup`;
    url = base.toString();
    await dropIsolatedDatabase(url);
    process.env.DATABASE_URL = url;
    process.env.DATABASE_APP_PASSWORD = 'app-role-password-for-this-test';
    resetConfigCache();
  });
  afterAll(async () => {
    process.env = saved;
    resetConfigCache();
    await query(loadConfig().db.url, `ALTER ROLE recovery_bridge_app PASSWORD NULL`);
    await dropIsolatedDatabase(url);
  });

  it('should create the database, apply every migration once, and give the app role its login and password', async () => {
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    await setupDatabase();
    expect(log).toHaveBeenCalledWith(expect.stringMatching(/^database created: /));
    log.mockClear();
    await setupDatabase(); // idempotent
    expect(log).not.toHaveBeenCalled();
    log.mockRestore();
    const applied = await query<{ name: string }>(
      url,
      'SELECT name FROM schema_migration ORDER BY id',
    );
    expect(applied.map((m) => m.name)).toEqual(MIGRATIONS.map((m) => m.name));
    const [role] = await query<{ rolcanlogin: boolean; scram: boolean; owner: boolean }>(
      url,
      `SELECT rolcanlogin, rolpassword LIKE 'SCRAM-SHA-256$%' AS scram,
              pg_has_role('recovery_bridge_app', current_user, 'MEMBER') AS owner
         FROM pg_authid WHERE rolname = 'recovery_bridge_app'`,
    );
    expect(role).toEqual({ rolcanlogin: true, scram: true, owner: false });
    const [who] = await query<{ user: string }>(
      loadConfig().db.appUrl,
      'SELECT current_user AS user',
    );
    expect(who.user).toBe('recovery_bridge_app');
  });
});
