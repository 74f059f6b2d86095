import { Client } from 'pg';
import Redis from 'ioredis';

import { Config } from '../config/configuration';

const TIMEOUT_MS = 3000;

/** host:port of a URL, never its user or password. */
export function addressOf(url: string, defaultPort: number): string {
  const parsed = new URL(url);
  return `${parsed.hostname || '127.0.0.1'}:${parsed.port || defaultPort}`;
}

function reasonOf(err: unknown): string {
  const e = err as { code?: string; message?: string };
  return (e.code ?? e.message ?? String(err)).replace(/\.$/, '');
}

const POSTGRES_HINT =
  'start PostgreSQL (for instance `sudo systemctl start postgresql`, or ' +
  '`docker run -d --name rb-postgres -p 5432:5432 -e POSTGRES_HOST_AUTH_METHOD=trust postgres:15` ' +
  'with DATABASE_URL=postgres://postgres@127.0.0.1:5432/recovery_bridge), or set DATABASE_URL to a running server';

const REDIS_HINT =
  'start Redis (for instance `sudo systemctl start redis-server`, or ' +
  '`docker run -d --name rb-redis -p 6379:6379 redis:7 redis-server --maxmemory-policy noeviction`), ' +
  'or set REDIS_URL to a running server';

/** Postgres answers at DATABASE_URL's server (its `postgres` database: ours may not exist yet). */
export async function checkPostgres(url: string): Promise<string | undefined> {
  const server = new URL(url);
  server.pathname = '/postgres';
  const client = new Client({
    connectionString: server.toString(),
    connectionTimeoutMillis: TIMEOUT_MS,
  });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (err) {
    return `PostgreSQL is not reachable at ${addressOf(url, 5432)} (DATABASE_URL): ${reasonOf(err)}. To fix: ${POSTGRES_HINT}.`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function checkRedis(url: string): Promise<string | undefined> {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: TIMEOUT_MS,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  // The socket's own error (ECONNREFUSED...) is the useful one: connect() may only say "closed".
  let socketError: unknown;
  redis.on('error', (err) => (socketError ??= err));
  try {
    await redis.connect();
    await redis.ping();
    return undefined;
  } catch (err) {
    return `Redis is not reachable at ${addressOf(url, 6379)} (REDIS_URL): ${reasonOf(socketError ?? err)}. To fix: ${REDIS_HINT}.`;
  } finally {
    redis.disconnect();
  }
}

/**
 * `npm start` checks both services before starting anything, and names every one that does not
 * answer: where (host and port, never credentials) and how to start it.
 */
export async function preflight(config: Config): Promise<string[]> {
  const problems = await Promise.all([checkPostgres(config.db.url), checkRedis(config.redis.url)]);
  return problems.filter((p): p is string => p !== undefined);
}
