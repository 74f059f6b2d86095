import '../config/node-guard';

import { Client, escapeLiteral } from 'pg';

import { APP_ROLE, loadConfig } from '../config/configuration';
import { createDataSource } from '../database/data-source';

/** Creates the database if it is missing, then applies pending migrations. Idempotent. */
export async function setupDatabase(): Promise<void> {
  const { db } = loadConfig();
  await createDatabaseIfMissing(db.url);
  const dataSource = createDataSource(db);
  await dataSource.initialize();
  try {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    for (const m of applied) console.log(`migration applied: ${m.name}`);
    if (db.appPassword) {
      // ALTER ROLE takes no bind parameters: the driver's literal escaping quotes the password.
      const literal = escapeLiteral(db.appPassword);
      await dataSource.query(`ALTER ROLE ${APP_ROLE} PASSWORD ${literal}`);
    }
  } finally {
    await dataSource.destroy();
  }
}

export async function createDatabaseIfMissing(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) {
      await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
      console.log(`database created: ${name}`);
    }
  } finally {
    await client.end();
  }
}

if (require.main === module) {
  setupDatabase().catch((err: Error) => {
    console.error(err.message);
    process.exit(1);
  });
}
