import { Injectable } from '@nestjs/common';

import { UnauthenticatedError } from '../common/errors/domain-error';
import { Principal } from './principal';
import { SessionCheckService } from './session-check.service';
import { TokenService } from './token.service';

const BEARER = /^Bearer ([A-Za-z0-9._~+/=-]+)$/;

/**
 * The one check of an `Authorization: Bearer <access token>` header: its syntax, the token's
 * signature, algorithm, issuer, audience and expiry (TokenService), then the (cached) check that
 * its session or API client was not revoked (SessionCheckService). The passport strategy behind
 * the global JwtAuthGuard and the queue dashboard both call it; anything else is a 401.
 */
@Injectable()
export class BearerAuthenticator {
  constructor(
    private readonly tokens: TokenService,
    private readonly sessions: SessionCheckService,
  ) {}

  /** The principal behind the header, carrying the request's correlation id. */
  async authenticate(header: string | undefined, correlationId: string): Promise<Principal> {
    const match = typeof header === 'string' ? BEARER.exec(header) : null;
    if (!match) throw new UnauthenticatedError();
    const principal = this.tokens.verifyAccess(match[1]);
    // Inline rather than requireLive(): the guard's hot path pays for one awaited call, as before.
    if (!(await this.sessions.isActive(principal))) throw new UnauthenticatedError();
    principal.context = { correlationId };
    return principal;
  }

  /** 401 unless the principal's session (or API client grant) is still live. */
  async requireLive(principal: Principal): Promise<void> {
    if (!(await this.sessions.isActive(principal))) throw new UnauthenticatedError();
  }
}
