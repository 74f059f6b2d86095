import { Inject, Injectable, Logger } from '@nestjs/common';

import { CONFIG } from '../config/config.module';
import { AuthConfig, Config } from '../config/configuration';
import { DomainError } from '../common/errors/domain-error';
import { RedisClient } from '../redis/redis-client';
import { REDIS } from '../redis/redis.module';
import { ipBucket } from './ip-bucket';
import { sha256 } from './token.service';

const rateLimited = (retryAfterSeconds: number): DomainError =>
  new DomainError('RATE_LIMITED', 'Too many login attempts; try again later.', {
    retryAfterSeconds: Math.max(1, retryAfterSeconds),
  });

/**
 * One attempt, counted before the password is checked. KEYS: this minute's IP bucket, the previous
 * minute's, the account's failure counter. ARGV: the IP limit, the account limit, the account
 * window (s), how much of this minute has passed (0-1).
 * The per-IP count is a sliding minute, estimated from this minute's bucket and the previous one's
 * weighted by how much of it still lies within the last 60 s (a fixed window would let a burst
 * straddling the minute through at twice the limit). Every attempt counts against its IP, refused
 * ones too. An account attempt is reserved only while fewer than the limit are counted, so no
 * burst gets more password checks than the limit. Returns {0, n}: reserved as the n-th;
 * {1, 0}: the IP is over its limit; {2, ms}: the account is locked for ms more.
 */
const RESERVE = `
local ip = redis.call('INCR', KEYS[1])
if ip == 1 then redis.call('EXPIRE', KEYS[1], 120) end
local previous = tonumber(redis.call('GET', KEYS[2]) or '0')
if ip + previous * (1 - tonumber(ARGV[4])) > tonumber(ARGV[1]) then return {1, 0} end
local failures = tonumber(redis.call('GET', KEYS[3]) or '0')
if failures >= tonumber(ARGV[2]) then return {2, redis.call('PTTL', KEYS[3])} end
failures = redis.call('INCR', KEYS[3])
if redis.call('TTL', KEYS[3]) < 0 then redis.call('EXPIRE', KEYS[3], ARGV[3]) end
return {0, failures}`;

/** Gives back a reservation; never below zero, never recreating a counter that expired. */
const RELEASE = `
local n = tonumber(redis.call('GET', KEYS[1]) or '0')
if n > 0 then return redis.call('DECR', KEYS[1]) end
return 0`;

/** An attempt that may check the password; undefined when the limiter failed open. */
export interface LoginAttempt {
  readonly key: string;
  /** A failure of this attempt is the one that locks the account. */
  readonly locksAccount: boolean;
}

interface LimiterCommands {
  loginReserve(
    ipKey: string,
    previousIpKey: string,
    accountKey: string,
    ipMax: number,
    accountMax: number,
    windowSeconds: number,
    elapsed: number,
  ): Promise<[number, number]>;
  loginRelease(accountKey: string): Promise<number>;
}

/**
 * Brute-force limits shared by every API replica (Redis): failures per account in a window,
 * attempts per IP per minute. Each attempt reserves one of the account's failures atomically
 * before argon2 runs and keeps it when the password is wrong: SPEC 12's 10 failures in 15 minutes
 * hold under any burst. A success gives back only its own reservation: it does not clear earlier
 * failures (they lapse with the window), so a correct password in a burst buys the burst nothing.
 * If Redis is away the limits fail open (logged): argon2 still makes guessing slow, and staff can
 * still sign in to reach clients in crisis.
 */
@Injectable()
export class LoginLimiterService {
  private readonly logger = new Logger(LoginLimiterService.name);
  private readonly auth: AuthConfig;
  private readonly commands: LimiterCommands;

  constructor(@Inject(REDIS) redis: RedisClient, @Inject(CONFIG) config: Config) {
    this.auth = config.auth;
    redis.defineCommand('loginReserve', { numberOfKeys: 3, lua: RESERVE });
    redis.defineCommand('loginRelease', { numberOfKeys: 1, lua: RELEASE });
    this.commands = redis as unknown as LimiterCommands;
  }

  /** Counts an attempt for this IP and reserves one for this account; throws RATE_LIMITED. */
  async reserve(ip: string, email: string): Promise<LoginAttempt | undefined> {
    const now = Date.now();
    const minute = Math.floor(now / 60_000);
    const elapsed = (now % 60_000) / 60_000;
    const bucket = ipBucket(ip);
    const key = accountKey(email);
    const max = this.auth.loginAccountMaxFailures;
    const result = await this.failOpen(() =>
      this.commands.loginReserve(
        `${LOGIN_KEYS}:ip:${bucket}:${minute}`,
        `${LOGIN_KEYS}:ip:${bucket}:${minute - 1}`,
        key,
        this.auth.loginIpMaxPerMinute,
        max,
        this.auth.loginAccountWindowSeconds,
        elapsed,
      ),
    );
    if (!result) return undefined;
    const [outcome, value] = result.map(Number);
    if (outcome === 1) throw rateLimited(Math.ceil((1 - elapsed) * 60));
    if (outcome === 2) throw rateLimited(Math.ceil(value / 1000));
    return { key, locksAccount: value === max };
  }

  /** The password was right (or was never checked): this attempt was no failure. */
  async release(attempt: LoginAttempt | undefined): Promise<void> {
    if (attempt) await this.failOpen(() => this.commands.loginRelease(attempt.key));
  }

  private async failOpen<T>(fn: () => Promise<T>): Promise<T | undefined> {
    try {
      return await fn();
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'login limiter unavailable; failing open');
      return undefined;
    }
  }
}

/**
 * Every limiter key starts with this hash tag: one script touches an IP's and an account's keys
 * together, which a Redis Cluster allows only within one slot.
 */
export const LOGIN_KEYS = '{login}';

// The key holds a hash, not the address: no identifier sits in Redis in the clear.
const accountKey = (email: string): string =>
  `${LOGIN_KEYS}:fail:${sha256(email.trim().toLowerCase()).toString('hex')}`;
