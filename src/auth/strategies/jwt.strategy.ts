import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { Strategy } from 'passport-custom';

import { BearerAuthenticator } from '../bearer-authenticator';
import { Principal } from '../principal';

/**
 * The one passport strategy, behind the global JwtAuthGuard: the bearer access token's principal
 * (BearerAuthenticator: the same check the queue dashboard makes).
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(private readonly bearer: BearerAuthenticator) {
    super();
  }

  validate(request: FastifyRequest): Promise<Principal> {
    return this.bearer.authenticate(request.headers.authorization, request.id);
  }
}
