import { createHmac, createSecretKey, KeyObject, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';

import { EnvironmentVariables, validateEnvironment } from './env.validation';
import { parseAddressList } from './address-list';
import { parseTrustProxy, TrustProxy } from './trust-proxy';

/** The login role of the API and the worker, created and granted by the migrations. */
export const APP_ROLE = 'recovery_bridge_app';

export interface AppConfig {
  env: EnvironmentVariables['NODE_ENV'];
  port: number;
  logLevel: string;
  demoPassword: string;
  /** DEMO_DATA: true or false when set, undefined when not (see start.ts). */
  demoData?: boolean;
  outboxPollMs: number;
  queuePrefix: string;
  /** Fastify's `trustProxy`: which X-Forwarded-For entries to believe (see trust-proxy.ts). */
  trustProxy: TrustProxy;
}

export interface DatabaseConfig {
  /** The schema owner: migrations, the demo seed, tests' set-up. */
  url: string;
  /** The application's login role: the API and the worker. */
  appUrl: string;
  appPassword?: string;
  /** DATABASE_REPLICA_URL: a hot standby for the lag-tolerant reads (src/database/read-replica.ts). */
  replicaUrl?: string;
  poolSize: number;
  /** Named prepared statements on the hot paths (preparedQuery); false behind an old PgBouncer. */
  preparedStatements: boolean;
}

export interface AuthConfig {
  jwtKey: KeyObject;
  issuer: string;
  audience: string;
  accessTtlSeconds: number;
  refreshTtlSeconds: number;
  sessionCheckTtlMs: number;
  loginAccountMaxFailures: number;
  loginAccountWindowSeconds: number;
  loginIpMaxPerMinute: number;
}

/** SMART Backend Services (SPEC 8): discovery and the API clients' JWK Sets. */
export interface SmartConfig {
  publicBaseUrl: string;
  /** `<publicBaseUrl>/oauth/token`: the `aud` every client assertion must name. */
  tokenEndpoint: string;
  jwks: {
    timeoutMs: number;
    maxBytes: number;
    cacheMs: number;
    /** Hosts whose JWKS URL may be plain http (lowercase). */
    httpHosts: ReadonlySet<string>;
    /** Private, loopback or link-local addresses and CIDRs a JWKS URL may reach nonetheless. */
    allowedAddresses: string[];
  };
}

export interface FollowUpQueueConfig {
  reminderLeadMinutes: number;
  escalationGraceMinutes: number;
  reconcileIntervalMs: number;
  lockDurationMs: number;
  stalledIntervalMs: number;
}

export interface Config {
  app: AppConfig;
  followUps: FollowUpQueueConfig;
  worker: { heartbeat: { file?: string; intervalMs: number } };
  /** Periodic notification scans; intervalMs 0 registers no job schedulers. */
  scheduledScans: { intervalMs: number };
  /** Audit trail retention: monthly partitions older than this are retired. */
  audit: { retentionMonths: number };
  db: DatabaseConfig;
  redis: {
    url: string;
    /** REDIS_CLUSTER_NODES, parsed; undefined for a single Redis. */
    clusterNodes?: { host: string; port: number }[];
  };
  /** Signs list cursors (see common/dto/pagination.ts). */
  paging: { cursorKey: KeyObject };
  /** Limits on probing for existing clients through the duplicate check. */
  clients: { duplicateProbeLimit: number; duplicateProbeWindowSeconds: number };
  auth: AuthConfig;
  smart: SmartConfig;
  /** The deployment operators' user ids (lowercase), who may open the queue dashboard. */
  queueDashboard: { operatorIds: ReadonlySet<string> };
  /** Outbound webhooks: hosts allowed over http and on private addresses (tests), timeout. */
  webhooks: { httpAllowedHosts: ReadonlySet<string>; timeoutMs: number };
}

// In development a key is generated once and kept on disk, so that tokens survive a restart and
// the API replicas of one checkout agree. Production refuses to start without JWT_SECRET.
function loadJwtKey(env: EnvironmentVariables): KeyObject {
  if (env.JWT_SECRET) return createSecretKey(Buffer.from(env.JWT_SECRET, 'base64'));
  const dir = join(process.cwd(), '.secrets');
  const file = join(dir, 'jwt-secret');
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileSync(file, randomBytes(48).toString('base64'), { mode: 0o600, flag: 'wx' });
  }
  return createSecretKey(Buffer.from(readFileSync(file, 'utf8').trim(), 'base64'));
}

// A key of its own when CURSOR_SECRET is set; else one derived from the JWT key, so that a cursor
// signature can never be replayed as a token signature, nor the reverse.
function cursorKeyFrom(env: EnvironmentVariables): KeyObject {
  if (env.CURSOR_SECRET) return createSecretKey(Buffer.from(env.CURSOR_SECRET, 'base64'));
  return createSecretKey(
    createHmac('sha256', loadJwtKey(env)).update('recovery-bridge list cursor key v1').digest(),
  );
}

// Like libpq: a URL without a user connects as PGUSER, else as the operating-system user.
function withDefaultUser(url: string, pgUser: string | undefined): string {
  const parsed = new URL(url);
  if (!parsed.username) parsed.username = pgUser ?? userInfo().username;
  return parsed.toString();
}

/** The owner's URL with the application role's name and password. */
function appUrlFrom(ownerUrl: string, role: string, password: string | undefined): string {
  const parsed = new URL(ownerUrl);
  parsed.username = role;
  parsed.password = password ? encodeURIComponent(password) : '';
  return parsed.toString();
}

const commaList = (value: string | undefined): string[] =>
  (value ?? '')
    .split(',')
    .map((entry) => entry.trim().toLowerCase())
    .filter(Boolean);

function smartConfigFrom(env: EnvironmentVariables): SmartConfig {
  const publicBaseUrl = env.PUBLIC_BASE_URL ?? `http://localhost:${env.PORT}`;
  return {
    publicBaseUrl,
    tokenEndpoint: `${publicBaseUrl}/oauth/token`,
    jwks: {
      timeoutMs: env.JWKS_FETCH_TIMEOUT_MS,
      maxBytes: env.JWKS_MAX_BYTES,
      cacheMs: env.JWKS_CACHE_SECONDS * 1000,
      httpHosts: new Set(commaList(env.JWKS_HTTP_HOSTS)),
      allowedAddresses: env.JWKS_ALLOWED_ADDRESSES
        ? (parseAddressList(env.JWKS_ALLOWED_ADDRESSES) ?? [])
        : [],
    },
  };
}

let cached: Config | undefined;

/** The validated configuration; the only reader of process.env. Throws EnvironmentError. */
export function loadConfig(): Config {
  if (cached) return cached;
  const env = validateEnvironment(process.env);
  cached = {
    app: {
      env: env.NODE_ENV,
      port: env.PORT,
      logLevel: env.LOG_LEVEL,
      demoPassword: env.DEMO_PASSWORD,
      demoData: env.DEMO_DATA === undefined ? undefined : env.DEMO_DATA === 'true',
      outboxPollMs: env.OUTBOX_POLL_MS,
      // On a cluster, in a hash tag: each queue's keys must share a slot (BullMQ's Lua scripts).
      queuePrefix: env.REDIS_CLUSTER_NODES ? `{${env.QUEUE_PREFIX}}` : env.QUEUE_PREFIX,
      trustProxy: parseTrustProxy(env.TRUST_PROXY) ?? false,
    },
    db: {
      url: withDefaultUser(env.DATABASE_URL, env.PGUSER),
      appUrl:
        env.DATABASE_APP_URL ?? appUrlFrom(env.DATABASE_URL, APP_ROLE, env.DATABASE_APP_PASSWORD),
      appPassword: env.DATABASE_APP_PASSWORD,
      replicaUrl: env.DATABASE_REPLICA_URL,
      poolSize: env.DATABASE_POOL_SIZE,
      preparedStatements: env.DATABASE_PREPARED_STATEMENTS === 'true',
    },
    redis: {
      url: env.REDIS_URL,
      clusterNodes: env.REDIS_CLUSTER_NODES?.split(',').map((node) => {
        const at = node.lastIndexOf(':');
        return { host: node.slice(0, at), port: Number(node.slice(at + 1)) };
      }),
    },
    paging: { cursorKey: cursorKeyFrom(env) },
    clients: {
      duplicateProbeLimit: env.CLIENT_DUPLICATE_PROBE_LIMIT,
      duplicateProbeWindowSeconds: env.CLIENT_DUPLICATE_PROBE_WINDOW_SECONDS,
    },
    scheduledScans: { intervalMs: env.SCHEDULED_SCAN_INTERVAL_MS },
    audit: { retentionMonths: env.AUDIT_RETENTION_MONTHS },
    webhooks: {
      httpAllowedHosts: new Set(
        env.WEBHOOK_HTTP_ALLOWED_HOSTS.split(',')
          .map((h) => h.trim().toLowerCase())
          .filter(Boolean),
      ),
      timeoutMs: env.WEBHOOK_TIMEOUT_MS,
    },
    worker: {
      heartbeat: { file: env.WORKER_HEARTBEAT_FILE, intervalMs: env.WORKER_HEARTBEAT_INTERVAL_MS },
    },
    followUps: {
      reminderLeadMinutes: env.REMINDER_LEAD_MINUTES,
      escalationGraceMinutes: env.ESCALATION_GRACE_MINUTES,
      reconcileIntervalMs: env.RECONCILE_INTERVAL_MS,
      lockDurationMs: env.WORKER_LOCK_DURATION_MS,
      stalledIntervalMs: env.WORKER_STALLED_INTERVAL_MS,
    },
    auth: {
      jwtKey: loadJwtKey(env),
      issuer: env.JWT_ISSUER,
      audience: env.JWT_AUDIENCE,
      accessTtlSeconds: env.ACCESS_TOKEN_TTL_SECONDS,
      refreshTtlSeconds: env.REFRESH_TOKEN_TTL_SECONDS,
      sessionCheckTtlMs: env.SESSION_CHECK_TTL_MS,
      loginAccountMaxFailures: env.LOGIN_ACCOUNT_MAX_FAILURES,
      loginAccountWindowSeconds: env.LOGIN_ACCOUNT_WINDOW_SECONDS,
      loginIpMaxPerMinute: env.LOGIN_IP_MAX_PER_MINUTE,
    },
    smart: smartConfigFrom(env),
    queueDashboard: {
      operatorIds: new Set(
        (env.QUEUE_DASHBOARD_OPERATORS ?? '')
          .split(',')
          .map((id) => id.trim().toLowerCase())
          .filter(Boolean),
      ),
    },
  };
  return cached;
}

/** For tests that change process.env between app instances. */
export function resetConfigCache(): void {
  cached = undefined;
}
