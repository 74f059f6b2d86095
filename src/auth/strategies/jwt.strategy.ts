import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { Strategy } from 'passport-custom';

import { UnauthenticatedError } from '../../common/errors/domain-error';
import { Principal } from '../principal';
import { SessionCheckService } from '../session-check.service';
import { TokenService } from '../token.service';

/** Bearer access token -> principal, then a (cached) check that it was not revoked. */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(
    private readonly tokens: TokenService,
    private readonly sessions: SessionCheckService,
  ) {
    super();
  }

  async validate(request: FastifyRequest): Promise<Principal> {
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(header) : null;
    if (!match) throw new UnauthenticatedError();
    const principal = this.tokens.verifyAccess(match[1]);
    if (!(await this.sessions.isActive(principal))) throw new UnauthenticatedError();
    principal.context = { correlationId: request.id };
    return principal;
  }
}
