// The environment every test process runs with: a database and a Redis index of its own.
export const TEST_ENV: Record<string, string> = {
  NODE_ENV: 'test',
  DATABASE_URL: process.env.TEST_DATABASE_URL ?? 'postgres://127.0.0.1:5432/recovery_bridge_test',
  REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/1',
  QUEUE_PREFIX: 'rbtest',
  LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
  JWT_SECRET: Buffer.from('test-secret-that-is-long-enough-for-hs256-0123456789').toString(
    'base64',
  ),
  SESSION_CHECK_TTL_MS: '300',
  OUTBOX_POLL_MS: '50',
  // supertest connects from 127.0.0.1: one trusted hop makes the right-most X-Forwarded-For entry
  // the client (what a load balancer in front of the API appends).
  TRUST_PROXY: '1',
  // The local webhook receiver of the webhook tests (plain http on loopback); short timeouts.
  WEBHOOK_HTTP_ALLOWED_HOSTS: '127.0.0.1',
  WEBHOOK_TIMEOUT_MS: '1500',
};

for (const [key, value] of Object.entries(TEST_ENV)) process.env[key] = value;
