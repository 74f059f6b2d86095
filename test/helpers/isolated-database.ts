import { Client } from 'pg';

import { loadConfig } from '../../src/config/configuration';
import { createDataSource } from '../../src/database/data-source';

/**
 * A fresh, migrated database of its own (`<test db>_<suffix>`), for tests whose workers and relays
 * must not see the rows of other test files (the outbox is global to a database).
 */
export async function createIsolatedDatabase(suffix: string): Promise<string> {
  const base = loadConfig().db;
  const url = new URL(base.url);
  const name = `${url.pathname.slice(1)}_${suffix}`;
  if (!name.includes('test')) throw new Error(`Refusing to create database "${name}"`);
  const admin = new URL(base.url);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await client.query(`CREATE DATABASE "${name}"`);
  await client.end();
  url.pathname = `/${name}`;
  const dataSource = createDataSource({ ...base, url: url.toString() });
  await dataSource.initialize();
  await dataSource.runMigrations({ transaction: 'each' });
  await dataSource.destroy();
  return url.toString();
}

export async function dropIsolatedDatabase(dbUrl: string): Promise<void> {
  const admin = new URL(dbUrl);
  const name = admin.pathname.slice(1);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await client.end();
}
