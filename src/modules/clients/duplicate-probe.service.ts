import { Inject, Injectable, Logger } from '@nestjs/common';

import { UserPrincipal } from '../../auth/principal';
import { DomainError } from '../../common/errors/domain-error';
import { CONFIG } from '../../config/config.module';
import { Config } from '../../config/configuration';
import { RedisClient } from '../../redis/redis-client';
import { REDIS } from '../../redis/redis.module';
import { AuditService } from '../audit/audit.service';
import { ClientRepository } from './client.repository';
import {
  DuplicateClientError,
  DuplicateClientOutOfScopeError,
  DuplicateProbeLimitError,
} from './clients.errors';

/**
 * The duplicate check tells whether a person is a client, which is itself Part 2 protected. So a
 * match is: audited (`client.duplicate-probe`, ids only, outside the write's rolled-back
 * transaction); answered with the existing id only to a caller who may read that client; and,
 * when outside the caller's scope, counted per user in Redis: past the limit in a window, the
 * user's client writes answer 429 until it ends, matching or not (a 429 only on a match would
 * still say there is one).
 * If Redis is away the count fails open (logged): the audit trail still records every match.
 */
@Injectable()
export class DuplicateProbeService {
  private readonly logger = new Logger(DuplicateProbeService.name);
  private readonly limit: number;
  private readonly windowSeconds: number;

  constructor(
    private readonly clients: ClientRepository,
    @Inject(REDIS) private readonly redis: RedisClient,
    @Inject(CONFIG) config: Config,
    private readonly audit: AuditService,
  ) {
    this.limit = config.clients.duplicateProbeLimit;
    this.windowSeconds = config.clients.duplicateProbeWindowSeconds;
  }

  /** Throws RATE_LIMITED when the caller has used up this window's matches. One Redis call. */
  async assertNotLimited(actor: UserPrincipal): Promise<void> {
    await this.failOpen(async () => {
      const [[, count], [, ttlMs]] = (await this.redis
        .multi()
        .get(keyOf(actor))
        .pttl(keyOf(actor))
        .exec()) as [unknown, string | number | null][];
      if (Number(count ?? 0) >= this.limit)
        throw new DuplicateProbeLimitError(this.secondsLeft(ttlMs));
    });
  }

  /**
   * Answers a match (never returns): 409 with the id when the caller may read the client, else a
   * 409 naming nothing, or 429 past the limit. Only matches outside the caller's scope count
   * towards it: one inside tells them nothing they may not read (a resubmitted intake form).
   */
  async answer(actor: UserPrincipal, existingClientId: string | undefined): Promise<never> {
    const visible =
      existingClientId !== undefined && (await this.clients.isInScope(actor, existingClientId));
    const { count, ttlMs } = visible ? { count: 0, ttlMs: -1 } : await this.count(actor);
    const limited = count > this.limit;
    await this.audit.recordNow(actor, {
      action: 'client.duplicate-probe',
      outcome: limited ? 'denied' : 'success',
      clientId: existingClientId ?? null,
      resourceType: 'Client',
      resourceId: existingClientId ?? null,
    });
    if (limited) throw new DuplicateProbeLimitError(this.secondsLeft(ttlMs));
    if (visible) throw new DuplicateClientError(existingClientId);
    throw new DuplicateClientOutOfScopeError();
  }

  // INCR is the atomic step: of any burst, exactly `limit` matches are answered 409.
  private async count(actor: UserPrincipal): Promise<{ count: number; ttlMs: number }> {
    let result = { count: 0, ttlMs: -1 };
    await this.failOpen(async () => {
      const key = keyOf(actor);
      const [[, count], , [, ttlMs]] = (await this.redis
        .multi()
        .incr(key)
        .expire(key, this.windowSeconds, 'NX')
        .pttl(key)
        .exec()) as [unknown, number][];
      result = { count: Number(count), ttlMs: Number(ttlMs) };
    });
    return result;
  }

  private secondsLeft(ttlMs: string | number | null): number {
    const ms = Number(ttlMs);
    return ms > 0 ? Math.ceil(ms / 1000) : this.windowSeconds;
  }

  private async failOpen(fn: () => Promise<unknown>): Promise<void> {
    try {
      await fn();
    } catch (err) {
      if (err instanceof DomainError) throw err;
      this.logger.warn(
        { err: (err as Error).message },
        'duplicate-probe limiter unavailable; failing open',
      );
    }
  }
}

// Ids only in Redis: the user, never the candidate's name or identifiers.
const keyOf = (actor: UserPrincipal): string =>
  `clients:duplicate-probes:${actor.organizationId}:${actor.id}`;
