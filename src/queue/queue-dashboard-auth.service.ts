import { randomUUID } from 'node:crypto';

import { Inject, Injectable } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import type { FastifyRequest } from 'fastify';
import { JsonWebTokenError, sign, verify } from 'jsonwebtoken';

import { AuthRepository } from '../auth/auth.repository';
import { AuthService } from '../auth/auth.service';
import { BearerAuthenticator } from '../auth/bearer-authenticator';
import { LoginDto } from '../auth/dto/auth.dto';
import { Role } from '../auth/permissions';
import { Principal, UserPrincipal } from '../auth/principal';
import { SessionCheckService } from '../auth/session-check.service';
import { TokenService } from '../auth/token.service';
import { CONFIG } from '../config/config.module';
import { Config } from '../config/configuration';
import {
  ForbiddenError,
  UnauthenticatedError,
  ValidationError,
} from '../common/errors/domain-error';
import { AuditService } from '../modules/audit/audit.service';
import { UnitOfWork } from '../modules/audit/unit-of-work';

export const QUEUE_DASHBOARD_PATH = '/admin/queues';
export const QUEUE_DASHBOARD_COOKIE = 'rb_queue_dashboard';

const ALGORITHM = 'HS256';
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);

interface CookieClaims {
  sub: string;
  org: string;
  role: Role;
  sid: string;
}

/**
 * Who may open the queue dashboard: the deployment's operators (QUEUE_DASHBOARD_OPERATORS, user
 * ids), never an organization role, since the board shows every organization's jobs. API tooling
 * sends an access token as a bearer header; a browser signs in through AuthService's login (its
 * limits and audit) and gets a short-lived cookie holding a token for the dashboard's own
 * audience, so the cookie is no API token and an API token is no cookie. A bearer header gets
 * the API's own check (BearerAuthenticator, as the JwtAuthGuard); both pass the same session and
 * operator check.
 */
@Injectable()
export class QueueDashboardAuthService {
  private readonly audience: string;

  constructor(
    private readonly uow: UnitOfWork,
    @Inject(CONFIG) private readonly config: Config,
    private readonly auth: AuthService,
    private readonly tokens: TokenService,
    private readonly sessions: SessionCheckService,
    private readonly audit: AuditService,
    private readonly bearer: BearerAuthenticator,
    private readonly authData: AuthRepository,
  ) {
    this.audience = `${config.auth.audience}/queue-dashboard`;
  }

  /** The cookie's (and its token's) lifetime: an access token's. */
  get ttlSeconds(): number {
    return this.config.auth.accessTtlSeconds;
  }

  /** The operator behind a bearer header (API tooling) or the dashboard cookie (a browser). */
  async authenticate(request: FastifyRequest): Promise<UserPrincipal> {
    const header = request.headers.authorization;
    let principal: Principal;
    if (header !== undefined) {
      principal = await this.bearer.authenticate(header, String(request.id));
    } else {
      principal = this.verifyCookieToken(dashboardCookie(request));
      await this.bearer.requireLive(principal);
    }
    return this.requireOperator(principal);
  }

  /**
   * A browser's sign-in: AuthService's login (limits, audit), then the operator check. A session
   * that is not an operator's is ended at once; an operator's lasts as long as its cookie.
   */
  async signIn(body: unknown, ip: string, correlationId: string): Promise<string> {
    const dto = toLoginDto(body);
    const issued = await this.auth.login(dto, ip, correlationId);
    const principal = this.tokens.verifyAccess(issued.accessToken);
    const actor = { ...principal, context: { correlationId } };
    const event = {
      action: 'queue-dashboard.sign-in',
      resourceType: 'User',
      resourceId: principal.id,
    };
    if (!this.isOperator(principal)) {
      await this.auth.logout(issued.refreshToken, correlationId);
      await this.audit.recordNow(actor, { ...event, outcome: 'denied' });
      throw notAnOperator();
    }
    await this.uow.run(actor, async (tx) => {
      await this.authData.capSessionExpiry(tx.manager, principal.sessionId, this.ttlSeconds);
      tx.audit(event);
    });
    return this.signCookieToken(principal);
  }

  /** Ends the session behind a dashboard cookie, if it is still valid. */
  async signOut(request: FastifyRequest, correlationId: string): Promise<void> {
    let principal: UserPrincipal;
    try {
      principal = this.verifyCookieToken(dashboardCookie(request));
    } catch {
      return;
    }
    await this.uow.run({ ...principal, context: { correlationId } }, async (tx) => {
      const revoked = await this.authData.logOutSession(
        tx.manager,
        principal.sessionId,
        principal.id,
      );
      if (!revoked) return;
      tx.audit({ action: 'auth.logout', resourceType: 'User', resourceId: principal.id });
    });
    this.sessions.forget(principal.sessionId);
  }

  /**
   * The cookie's attributes. `Secure` always in production; elsewhere only a plain-http request
   * to a loopback host (local development, the tests) gets it without, since a browser keeps no
   * Secure cookie from plain http. Behind TRUST_PROXY, X-Forwarded-Proto counts as https.
   */
  cookieHeader(request: FastifyRequest, value: string, maxAgeSeconds: number): string {
    const plainLoopback = request.protocol === 'http' && LOOPBACK_HOSTS.has(request.hostname);
    const secure = this.config.app.env === 'production' || !plainLoopback;
    return [
      `${QUEUE_DASHBOARD_COOKIE}=${value}`,
      `Max-Age=${maxAgeSeconds}`,
      `Path=${QUEUE_DASHBOARD_PATH}`,
      'HttpOnly',
      'SameSite=Strict',
      ...(secure ? ['Secure'] : []),
    ].join('; ');
  }

  private isOperator(principal: Principal): principal is UserPrincipal {
    return principal.kind === 'user' && this.config.queueDashboard.operatorIds.has(principal.id);
  }

  private requireOperator(principal: Principal): UserPrincipal {
    if (!this.isOperator(principal)) throw notAnOperator();
    return principal;
  }

  private signCookieToken(principal: UserPrincipal): string {
    const claims: CookieClaims = {
      sub: principal.id,
      org: principal.organizationId,
      role: principal.role,
      sid: principal.sessionId,
    };
    return sign(claims, this.config.auth.jwtKey, {
      algorithm: ALGORITHM,
      expiresIn: this.ttlSeconds,
      issuer: this.config.auth.issuer,
      audience: this.audience,
      jwtid: randomUUID(),
    });
  }

  /** Pins algorithm, issuer, the dashboard's audience and expiry; anything else is a 401. */
  private verifyCookieToken(token: string | undefined): UserPrincipal {
    if (!token) throw new UnauthenticatedError();
    let claims: CookieClaims;
    try {
      claims = verify(token, this.config.auth.jwtKey, {
        algorithms: [ALGORITHM],
        issuer: this.config.auth.issuer,
        audience: this.audience,
      }) as CookieClaims;
    } catch (err) {
      if (err instanceof JsonWebTokenError) throw new UnauthenticatedError();
      throw err;
    }
    const { sub, org, role, sid } = claims;
    if (![sub, org, role, sid].every((v) => typeof v === 'string'))
      throw new UnauthenticatedError();
    return { kind: 'user', id: sub, organizationId: org, role, sessionId: sid };
  }
}

const notAnOperator = (): ForbiddenError =>
  new ForbiddenError('Only the deployment operators may open the queue dashboard.');

function toLoginDto(body: unknown): LoginDto {
  const dto = plainToInstance(LoginDto, typeof body === 'object' && body !== null ? body : {});
  const errors = validateSync(dto, { whitelist: true });
  if (errors.length > 0) {
    throw new ValidationError(errors.map((e) => ({ field: e.property, message: 'is invalid' })));
  }
  return dto;
}

/** The dashboard cookie's value; the first one wins (the browser sends the longest path first). */
export function dashboardCookie(request: FastifyRequest): string | undefined {
  for (const pair of (request.headers.cookie ?? '').split(';')) {
    const at = pair.indexOf('=');
    if (at > 0 && pair.slice(0, at).trim() === QUEUE_DASHBOARD_COOKIE) {
      return pair.slice(at + 1).trim();
    }
  }
  return undefined;
}
