import { createHash } from 'node:crypto';

import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import {
  createLocalJWKSet,
  decodeJwt,
  errors as joseErrors,
  JWTPayload,
  jwtVerify,
  JWTVerifyGetKey,
} from 'jose';

import { ServiceUnavailableError } from '../../common/errors/domain-error';
import { CONFIG } from '../../config/config.module';
import { Config } from '../../config/configuration';
import { REDIS } from '../../redis/redis.module';
import { ASSERTION_ALGORITHMS, PublicJwkSet } from './jwk-set';
import { JwksFetcher } from './jwks-fetcher.service';

export const JWT_BEARER_ASSERTION = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** SMART Backend Services: an assertion may be valid for 5 minutes at most. */
const MAX_LIFETIME_SECONDS = 300;
// The client's clock may run a little ahead of ours (exp, iat, nbf).
const CLOCK_SKEW_SECONDS = 10;
const MAX_JTI_LENGTH = 256;

/** The registered keys of an API client: inline, or at a URL. */
export interface AssertionKeys {
  jwks: PublicJwkSet | null;
  jwksUrl: string | null;
}

/** Why an assertion was refused (logged, never shown: the answer is always invalid_client). */
export class AssertionRejected extends Error {}

/**
 * Verifies `private_key_jwt` client assertions (RFC 7523, SMART Backend Services): RS384 or ES384
 * only, signed by a key of the client's registered JWK Set, `iss` = `sub` = client id, `aud` = our
 * token endpoint, `exp` at most 5 minutes ahead, and a `jti` used once (recorded in Redis with
 * SET NX until the assertion expires, so parallel replays get one token between them).
 */
@Injectable()
export class ClientAssertionService {
  private readonly tokenEndpoint: string;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(CONFIG) config: Config,
    private readonly fetcher: JwksFetcher,
  ) {
    this.tokenEndpoint = config.smart.tokenEndpoint;
  }

  /** The unverified `iss`: which client claims to have signed (undefined when unreadable). */
  claimedIssuer(assertion: string): string | undefined {
    try {
      const { iss } = decodeJwt(assertion);
      return typeof iss === 'string' && iss.length > 0 && iss.length <= 200 ? iss : undefined;
    } catch {
      return undefined;
    }
  }

  /** Resolves when the assertion is valid and its jti is new; else AssertionRejected. */
  async verify(assertion: string, clientId: string, keys: AssertionKeys): Promise<void> {
    const payload = await this.verifySignature(assertion, clientId, keys);
    const now = Math.floor(Date.now() / 1000);
    const exp = payload.exp as number;
    if (exp > now + MAX_LIFETIME_SECONDS + CLOCK_SKEW_SECONDS) {
      throw new AssertionRejected('exp is more than 5 minutes ahead');
    }
    const jti = payload.jti;
    if (typeof jti !== 'string' || jti.length === 0 || jti.length > MAX_JTI_LENGTH) {
      throw new AssertionRejected('jti is missing or too long');
    }
    await this.useJtiOnce(clientId, jti, exp - now + CLOCK_SKEW_SECONDS);
  }

  private async verifySignature(
    assertion: string,
    clientId: string,
    keys: AssertionKeys,
  ): Promise<JWTPayload> {
    try {
      const { payload } = await jwtVerify(assertion, this.keyResolver(keys), {
        algorithms: [...ASSERTION_ALGORITHMS],
        issuer: clientId,
        subject: clientId,
        audience: this.tokenEndpoint,
        requiredClaims: ['exp', 'jti'],
        clockTolerance: CLOCK_SKEW_SECONDS,
      });
      return payload;
    } catch (err) {
      if (err instanceof joseErrors.JOSEError || err instanceof AssertionRejected) {
        throw new AssertionRejected((err as Error).message);
      }
      throw err;
    }
  }

  private keyResolver(keys: AssertionKeys): JWTVerifyGetKey {
    if (keys.jwks) return createLocalJWKSet(keys.jwks);
    const url = keys.jwksUrl;
    if (!url) throw new AssertionRejected('the client has no registered keys');
    return async (header, token) => {
      const jwks = await this.fetcher.get(url).catch(rejectFetch);
      try {
        return await createLocalJWKSet(jwks)(header, token);
      } catch (err) {
        if (!(err instanceof joseErrors.JWKSNoMatchingKey)) throw err;
        const fresh = await this.fetcher.refresh(url).catch(rejectFetch);
        if (!fresh) throw err;
        return createLocalJWKSet(fresh)(header, token);
      }
    };
  }

  private async useJtiOnce(clientId: string, jti: string, ttlSeconds: number): Promise<void> {
    const key = `oauth:jti:${createHash('sha256').update(`${clientId}\n${jti}`).digest('hex')}`;
    let stored: string | null;
    try {
      stored = await this.redis.set(key, '1', 'EX', Math.max(1, ttlSeconds), 'NX');
    } catch {
      // Failing open would let a captured assertion be replayed: refuse until Redis is back.
      throw new ServiceUnavailableError();
    }
    if (stored !== 'OK') throw new AssertionRejected('jti was used before');
  }
}

function rejectFetch(err: unknown): never {
  throw new AssertionRejected(`JWKS unavailable: ${(err as Error).message}`);
}
