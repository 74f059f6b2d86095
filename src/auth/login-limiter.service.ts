import { Inject, Injectable, Logger } from '@nestjs/common';
import Redis from 'ioredis';

import { CONFIG } from '../config/config.module';
import { AuthConfig, Config } from '../config/configuration';
import { DomainError } from '../common/errors/domain-error';
import { REDIS } from '../redis/redis.module';
import { sha256 } from './token.service';

const rateLimited = (retryAfterSeconds: number): DomainError =>
  new DomainError('RATE_LIMITED', 'Too many login attempts; try again later.', {
    retryAfterSeconds: Math.max(1, retryAfterSeconds),
  });

/**
 * Brute-force limits shared by every API replica (Redis): failures per account in a window,
 * attempts per IP per minute. If Redis is away the limits fail open (logged): argon2 still
 * makes guessing slow, and staff can still sign in to reach clients in crisis.
 */
@Injectable()
export class LoginLimiterService {
  private readonly logger = new Logger(LoginLimiterService.name);
  private readonly auth: AuthConfig;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(CONFIG) config: Config,
  ) {
    this.auth = config.auth;
  }

  /** Throws RATE_LIMITED when this IP or this account is over its limit. */
  async check(ip: string, email: string): Promise<void> {
    await this.failOpen(async () => {
      // A sliding minute, estimated from this minute's bucket and the previous one's (weighted
      // by how much of it still lies within the last 60 s): a fixed window would let a burst
      // straddling the minute through at twice the limit.
      const now = Date.now();
      const minute = Math.floor(now / 60_000);
      const elapsed = (now % 60_000) / 60_000;
      const ipKey = `login:ip:${ip}:${minute}`;
      const [[, ipCount], [, previous], [, failures], [, ttl]] = (await this.redis
        .multi()
        .incr(ipKey)
        .get(`login:ip:${ip}:${minute - 1}`)
        .get(accountKey(email))
        .pttl(accountKey(email))
        .exec()) as [unknown, number | string | null][];
      await this.redis.expire(ipKey, 120);
      const lastMinute = Number(ipCount) + Number(previous ?? 0) * (1 - elapsed);
      if (lastMinute > this.auth.loginIpMaxPerMinute) {
        throw rateLimited(Math.ceil((1 - elapsed) * 60));
      }
      if (Number(failures) >= this.auth.loginAccountMaxFailures) {
        throw rateLimited(Math.ceil(Number(ttl) / 1000));
      }
    });
  }

  /** Counts a failure; returns true when this failure locked the account. */
  async recordFailure(email: string): Promise<boolean> {
    let locked = false;
    await this.failOpen(async () => {
      const key = accountKey(email);
      const [[, count]] = (await this.redis
        .multi()
        .incr(key)
        .expire(key, this.auth.loginAccountWindowSeconds, 'NX')
        .exec()) as [unknown, number][];
      locked = Number(count) === this.auth.loginAccountMaxFailures;
    });
    return locked;
  }

  async reset(email: string): Promise<void> {
    await this.failOpen(() => this.redis.del(accountKey(email)));
  }

  private async failOpen(fn: () => Promise<unknown>): Promise<void> {
    try {
      await fn();
    } catch (err) {
      if (err instanceof DomainError) throw err;
      this.logger.warn({ err: (err as Error).message }, 'login limiter unavailable; failing open');
    }
  }
}

// The key holds a hash, not the address: no identifier sits in Redis in the clear.
const accountKey = (email: string): string =>
  `login:fail:${sha256(email.trim().toLowerCase()).toString('hex')}`;
