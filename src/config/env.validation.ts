import 'reflect-metadata';

import { plainToInstance, Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  Validate,
  validateSync,
} from 'class-validator';

import { AddressListSetting } from './address-list';
import { TrustProxySetting } from './trust-proxy';

export const NODE_ENVS = ['development', 'test', 'production'] as const;
export type NodeEnv = (typeof NODE_ENVS)[number];

/** Every environment variable the service reads, with its default. Validated once at boot. */
export class EnvironmentVariables {
  @IsIn(NODE_ENVS)
  NODE_ENV: NodeEnv = 'development';

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(65535)
  PORT = 3000;

  @Matches(/^postgres(ql)?:\/\//, { message: 'must be a postgres:// URL' })
  DATABASE_URL = 'postgres://127.0.0.1:5432/recovery_bridge';

  @IsOptional()
  @IsString()
  PGUSER?: string;

  /**
   * Password of the login role the API and worker connect as (`recovery_bridge_app`, created by
   * the migrations; DATABASE_URL's user is the schema owner, for migrations and the seed only).
   * The migration step sets it. Not needed under trust auth.
   */
  @IsOptional()
  @IsString()
  @MinLength(12)
  DATABASE_APP_PASSWORD?: string;

  /**
   * Where the API and worker connect, when not DATABASE_URL with the app role's name and password
   * (for instance through a connection pooler). Its user must be `recovery_bridge_app`.
   */
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\//, { message: 'must be a postgres:// URL' })
  DATABASE_APP_URL?: string;

  /**
   * A hot standby of DATABASE_URL's database, logged in as `recovery_bridge_app`: the reads that
   * tolerate a little lag (dashboards, reports, the audit search and most exports) go there. Unset:
   * every read goes to the primary.
   */
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\//, { message: 'must be a postgres:// URL' })
  DATABASE_REPLICA_URL?: string;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  DATABASE_POOL_SIZE = 10;

  /**
   * Whether hot-path statements go as named prepared statements (planned once per connection).
   * `false` behind a transaction pooler that does not track them (PgBouncer before 1.21, or
   * without `max_prepared_statements`): they then go unnamed, parsed on each run.
   */
  @IsIn(['true', 'false'])
  DATABASE_PREPARED_STATEMENTS: 'true' | 'false' = 'true';

  @Matches(/^rediss?:\/\//, { message: 'must be a redis:// URL' })
  REDIS_URL = 'redis://127.0.0.1:6379';

  /**
   * A Redis Cluster's seed nodes (`host:port`, comma-separated). When set, every Redis use goes to
   * the cluster (REDIS_URL then gives only credentials and TLS) and queue keys are hash-tagged.
   */
  @IsOptional()
  @Matches(/^[A-Za-z0-9.-]+:\d{1,5}(,[A-Za-z0-9.-]+:\d{1,5})*$/, {
    message: 'must be host:port pairs separated by commas',
  })
  REDIS_CLUSTER_NODES?: string;

  @Matches(/^[a-z0-9-]+$/, { message: 'must be lowercase letters, digits and dashes' })
  QUEUE_PREFIX = 'rb';

  /** HMAC key for access tokens, base64, at least 32 bytes. Generated in development. */
  @IsOptional()
  @Matches(/^[A-Za-z0-9+/]{43,}={0,2}$/, { message: 'must be base64 of at least 32 bytes' })
  JWT_SECRET?: string;

  @IsString()
  JWT_ISSUER = 'recovery-bridge';

  @IsString()
  JWT_AUDIENCE = 'recovery-bridge-api';

  @Type(() => Number)
  @IsInt()
  @Min(30)
  @Max(900)
  ACCESS_TOKEN_TTL_SECONDS = 900;

  @Type(() => Number)
  @IsInt()
  @Min(300)
  REFRESH_TOKEN_TTL_SECONDS = 14 * 24 * 3600;

  /** How long an API process trusts that a session or API client is still active. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(10000)
  SESSION_CHECK_TTL_MS = 2000;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  LOGIN_ACCOUNT_MAX_FAILURES = 10;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  LOGIN_ACCOUNT_WINDOW_SECONDS = 900;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  LOGIN_IP_MAX_PER_MINUTE = 100;

  @IsString()
  @MinLength(12)
  DEMO_PASSWORD = 'Recovery-Demo-2026!';

  /**
   * Demo data (a fictional organization whose logins share DEMO_PASSWORD, published in the
   * README) seeded by `npm start`: `true` seeds it, `false` never does. Unset: `npm start` (which
   * asks with `start.js --demo`) seeds it only into a database holding no other organization.
   * Refused in production.
   */
  @IsOptional()
  @IsIn(['true', 'false'])
  DEMO_DATA?: 'true' | 'false';

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  /**
   * Which proxies' X-Forwarded-For entries to believe (per-IP login limits, logs): `false`, a hop
   * count (`1`: the load balancer in front; `true` means 1), or a comma-separated list of proxy
   * addresses and CIDRs (`10.0.0.0/8,192.168.0.0/16`; `loopback`, `linklocal`, `uniquelocal`).
   * The client's address is the right-most entry no trusted proxy added.
   */
  @Validate(TrustProxySetting)
  TRUST_PROXY = 'false';

  /** Poll interval of the outbox relay (worker). */
  @Type(() => Number)
  @IsInt()
  @Min(10)
  OUTBOX_POLL_MS = 250;

  /**
   * Hosts (comma-separated, lowercase) webhooks may reach over plain http and on private or
   * loopback addresses: a local test receiver. Empty in production: https and public addresses only.
   */
  @IsOptional()
  @IsString()
  WEBHOOK_HTTP_ALLOWED_HOSTS = '';

  /** A webhook request's whole time (connect, answer, body), in ms. */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  WEBHOOK_TIMEOUT_MS = 10_000;

  /** How long before a follow-up's due time its owner is reminded. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  REMINDER_LEAD_MINUTES = 120;

  /** How long after a follow-up's window closes the supervisors are escalated to. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  ESCALATION_GRACE_MINUTES = 0;

  /** How often the worker re-creates follow-up jobs that Redis lost. */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  RECONCILE_INTERVAL_MS = 5 * 60 * 1000;

  /** BullMQ job lock; a crashed worker's job is retried once it lapses (stalled check). */
  @Type(() => Number)
  @IsInt()
  @Min(500)
  WORKER_LOCK_DURATION_MS = 30000;

  @Type(() => Number)
  @IsInt()
  @Min(200)
  WORKER_STALLED_INTERVAL_MS = 30000;

  /** The worker's heartbeat file, for its container healthcheck (`worker-health`). Empty: none. */
  @IsOptional()
  @IsString()
  WORKER_HEARTBEAT_FILE?: string;

  @Type(() => Number)
  @IsInt()
  @Min(100)
  WORKER_HEARTBEAT_INTERVAL_MS = 10_000;

  /** How often the worker's scheduled scans run (certification expiry, plan review, milestones, no contact). 0 disables. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  SCHEDULED_SCAN_INTERVAL_MS = 3600_000;

  /**
   * How long audit events are kept, in months (default 72: HIPAA's six years). Older monthly
   * partitions are dropped once each organization's last link in them is recorded as an anchor.
   */
  @Type(() => Number)
  @IsInt()
  @Min(12)
  AUDIT_RETENTION_MONTHS = 72;

  /**
   * The deployment's operators: user ids (UUIDs, comma-separated) who may open the queue
   * dashboard (/admin/queues), which shows every organization's jobs. Set at deployment, not an
   * organization role. Ids, not emails: an organization admin could give an account of theirs a
   * listed email that is free again. Empty: nobody may open it.
   */
  @IsOptional()
  @Matches(
    /^\s*[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}\s*(,\s*[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}\s*)*$/i,
    {
      message: 'must be comma-separated user ids (UUIDs)',
    },
  )
  QUEUE_DASHBOARD_OPERATORS?: string;

  /** HMAC key that signs list cursors, base64, at least 32 bytes. Default: derived from the JWT key. */
  @IsOptional()
  @Matches(/^[A-Za-z0-9+/]{43,}={0,2}$/, { message: 'must be base64 of at least 32 bytes' })
  CURSOR_SECRET?: string;

  /**
   * Duplicate-client matches outside their scope one user may hit per window; past it, that
   * user's client writes answer 429 until the window ends.
   */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  CLIENT_DUPLICATE_PROBE_LIMIT = 10;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  CLIENT_DUPLICATE_PROBE_WINDOW_SECONDS = 3600;

  /**
   * The URL the API is reached at from outside (scheme, host, optional port and path prefix, no
   * trailing slash): SMART discovery publishes `<PUBLIC_BASE_URL>/oauth/token`, and client
   * assertions must name it as `aud`. Default: http://localhost:<PORT>.
   */
  @IsOptional()
  @Matches(/^https?:\/\/[^/?#\s]+(\/[^?#\s]*[^/?#\s])?$/, {
    message: 'must be an http(s) URL without query, fragment or trailing slash',
  })
  PUBLIC_BASE_URL?: string;

  /** How long fetching an API client's JWKS URL may take. */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(30_000)
  JWKS_FETCH_TIMEOUT_MS = 5000;

  /** The largest JWK Set fetched from a JWKS URL, in bytes. */
  @Type(() => Number)
  @IsInt()
  @Min(1024)
  @Max(1_048_576)
  JWKS_MAX_BYTES = 65_536;

  /** How long a fetched JWK Set is reused (an unknown `kid` refetches sooner, see jwks-fetcher). */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(86_400)
  JWKS_CACHE_SECONDS = 300;

  /**
   * Host names (comma-separated) whose JWKS URL may be plain http (local development and tests).
   * Empty: https only.
   */
  @IsOptional()
  @Matches(/^\s*[A-Za-z0-9.:[\]-]+\s*(,\s*[A-Za-z0-9.:[\]-]+\s*)*$/, {
    message: 'must be comma-separated host names',
  })
  JWKS_HTTP_HOSTS?: string;

  /**
   * Addresses and CIDRs (comma-separated) a JWKS URL may reach although private, loopback or
   * link-local (an EHR on the same private network). Empty: only public addresses.
   */
  @IsOptional()
  @Validate(AddressListSetting)
  JWKS_ALLOWED_ADDRESSES?: string;
}

export class EnvironmentError extends Error {}

export function validateEnvironment(raw: Record<string, unknown>): EnvironmentVariables {
  const present = Object.fromEntries(
    Object.entries(raw).filter(([, v]) => v !== undefined && v !== ''),
  );
  const env = plainToInstance(EnvironmentVariables, present, { exposeDefaultValues: true });
  const errors = validateSync(env, { skipMissingProperties: false });
  if (errors.length > 0) {
    const lines = errors.map(
      (e) => `${e.property}: ${Object.values(e.constraints ?? {}).join('; ')}`,
    );
    throw new EnvironmentError(`Invalid environment configuration:\n  ${lines.join('\n  ')}`);
  }
  if (env.NODE_ENV === 'production' && !env.JWT_SECRET) {
    throw new EnvironmentError(
      'Invalid environment configuration:\n  JWT_SECRET: required in production',
    );
  }
  if (env.NODE_ENV === 'production' && env.DEMO_DATA === 'true') {
    throw new EnvironmentError(
      'Invalid environment configuration:\n  DEMO_DATA: demo data is refused in production',
    );
  }
  return env;
}
