import Redis from 'ioredis';
import { Client } from 'pg';

import { TEST_ENV } from './test-env';

/**
 * Refuses any database whose name lacks "test", then recreates it and applies every migration,
 * and empties the test Redis index. Runs once before all test files.
 */
export default async function globalSetup(): Promise<void> {
  for (const [key, value] of Object.entries(TEST_ENV)) process.env[key] = value;
  const { loadConfig } = await import('../../src/config/configuration');
  const { createDataSource } = await import('../../src/database/data-source');
  const { db, redis } = loadConfig();
  const name = new URL(db.url).pathname.slice(1);
  if (!name.includes('test')) throw new Error(`Refusing to run tests against database "${name}"`);
  const admin = new URL(db.url);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await client.query(`CREATE DATABASE "${name}"`);
  await client.end();
  const dataSource = createDataSource(db);
  await dataSource.initialize();
  await dataSource.runMigrations({ transaction: 'each' });
  await dataSource.destroy();
  const r = new Redis(redis.url);
  await r.flushdb();
  r.disconnect();
}
