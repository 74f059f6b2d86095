import { timingSafeEqual } from 'node:crypto';

import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

import { CONFIG } from '../config/config.module';
import { Config } from '../config/configuration';
import { DomainError } from '../common/errors/domain-error';
import { AuditActor, SYSTEM_ORGANIZATION_ID } from '../modules/audit/audit.service';
import { UnitOfWork } from '../modules/audit/unit-of-work';
import { UsersService } from '../modules/users/users.service';
import { User } from '../modules/users/user.entity';
import { JobName } from '../queue/jobs';
import { AuthRepository } from './auth.repository';
import { LoginDto, MeResponse, TokenResponse } from './dto/auth.dto';
import { LoginAttempt, LoginLimiterService } from './login-limiter.service';
import { dummyHash, verifyPassword } from './password';
import { Principal, UserPrincipal } from './principal';
import { SessionCheckService } from './session-check.service';
import { TokenService } from './token.service';

const invalidCredentials = (): DomainError =>
  new DomainError('INVALID_CREDENTIALS', 'The email or password is incorrect.');
const invalidRefresh = (): DomainError =>
  new DomainError('INVALID_REFRESH_TOKEN', 'The refresh token is invalid or expired.');

@Injectable()
export class AuthService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly repo: AuthRepository,
    @Inject(CONFIG) private readonly config: Config,
    private readonly users: UsersService,
    private readonly tokens: TokenService,
    private readonly limiter: LoginLimiterService,
    private readonly sessions: SessionCheckService,
  ) {}

  async login(dto: LoginDto, ip: string, correlationId: string): Promise<TokenResponse> {
    // Counted before argon2 runs: a burst gets no more password checks than the limit.
    const attempt = await this.limiter.reserve(ip, dto.email);
    const { user, valid } = await this.checkPassword(dto, attempt);
    if (!user || !valid || !user.active) {
      await this.loginFailed(user, attempt?.locksAccount ?? false, correlationId);
      throw invalidCredentials();
    }
    await this.limiter.release(attempt);
    return this.uow.run(userActor(user, correlationId), async (tx) => {
      const m = tx.manager;
      const sessionId = await this.repo.insertSession(
        m,
        user.id,
        this.config.auth.refreshTtlSeconds,
      );
      const principal = { ...toPrincipal(user, sessionId), context: { correlationId } };
      tx.audit({
        action: 'auth.login',
        resourceType: 'User',
        resourceId: user.id,
      });
      return this.issue(m, principal);
    });
  }

  async refresh(refreshToken: string): Promise<TokenResponse> {
    const parsed = this.tokens.parseRefreshToken(refreshToken);
    if (!parsed) throw invalidRefresh();
    const result = await this.repo.inTransaction(async (m) => {
      const row = await this.repo.lockRefreshToken(m, parsed.id);
      if (!row || !timingSafeEqual(row.token_hash, parsed.hash) || row.expires_at <= new Date())
        return undefined;
      if (row.used_at) {
        // A rotated token came back: it was stolen or replayed. End the whole session.
        await this.revokeSession(m, row.session_id, 'refresh_token_reuse');
        return 'reused' as const;
      }
      const user = await this.users.findActive(row.user_id);
      if (!user) return undefined;
      await this.repo.markRefreshTokenUsed(m, parsed.id);
      return this.issue(m, toPrincipal(user, row.session_id));
    });
    if (!result || result === 'reused') throw invalidRefresh();
    return result;
  }

  async logout(refreshToken: string, correlationId: string): Promise<void> {
    const parsed = this.tokens.parseRefreshToken(refreshToken);
    if (!parsed) throw invalidRefresh();
    // The caller is anonymous until the token names its user: the event is that user's.
    await this.uow.run(anonymous(correlationId), async (tx) => {
      const m = tx.manager;
      const row = await this.repo.findRefreshOwner(m, parsed.id);
      if (!row || !timingSafeEqual(row.token_hash, parsed.hash)) throw invalidRefresh();
      await this.revokeSession(m, row.session_id, 'logout');
      tx.audit(
        { action: 'auth.logout', resourceType: 'User', resourceId: row.user_id },
        {
          organizationId: row.organization_id,
          actorId: row.user_id,
          actorType: 'user',
          actorRole: row.role,
          correlationId,
        },
      );
    });
  }

  async me(principal: Principal): Promise<MeResponse> {
    if (principal.kind === 'api_client') {
      // The client's own description (SPEC 2: /me returns the caller): the scopes are the token's.
      const name = await this.repo.findActiveApiClientName(principal.organizationId, principal.id);
      if (name === undefined)
        throw new DomainError('UNAUTHENTICATED', 'A valid access token is required.');
      return {
        id: principal.id,
        kind: 'api_client',
        organizationId: principal.organizationId,
        name,
        teamIds: [],
        scopes: principal.scopes,
      };
    }
    const user = await this.users.findActive(principal.id);
    if (!user) throw new DomainError('UNAUTHENTICATED', 'A valid access token is required.');
    const teams = await this.users.teamIdsOf([user.id]);
    return {
      id: user.id,
      kind: 'user',
      organizationId: user.organizationId,
      email: user.email,
      firstName: user.firstName,
      lastName: user.lastName,
      role: user.role,
      teamIds: teams.get(user.id) ?? [],
    };
  }

  private async issue(m: EntityManager, principal: UserPrincipal): Promise<TokenResponse> {
    const refresh = this.tokens.newRefreshToken();
    await this.repo.insertRefreshToken(m, {
      id: refresh.id,
      sessionId: principal.sessionId,
      hash: refresh.hash,
      ttlSeconds: this.config.auth.refreshTtlSeconds,
    });
    return {
      accessToken: this.tokens.signAccess(principal),
      refreshToken: refresh.token,
      expiresIn: this.tokens.accessTtlSeconds,
      tokenType: 'Bearer',
    };
  }

  private async revokeSession(m: EntityManager, sessionId: string, reason: string): Promise<void> {
    await this.repo.revokeSession(m, sessionId, reason);
    this.sessions.forget(sessionId);
  }

  private async checkPassword(
    dto: LoginDto,
    attempt: LoginAttempt | undefined,
  ): Promise<{ user: User | null; valid: boolean }> {
    try {
      const user = await this.users.findForLogin(dto.email);
      const valid = await verifyPassword(user?.passwordHash ?? (await dummyHash()), dto.password);
      return { user, valid };
    } catch (err) {
      // The database failed before an answer: no guess was judged, so none is counted.
      await this.limiter.release(attempt);
      throw err;
    }
  }

  private async loginFailed(
    user: User | null,
    locked: boolean,
    correlationId: string,
  ): Promise<void> {
    const actor = user ? userActor(user, correlationId) : anonymous(correlationId);
    await this.uow.run(actor, async (tx) => {
      if (locked && user) {
        const windowStartedAt = new Date().toISOString();
        tx.enqueue([
          {
            name: JobName.AccountLocked,
            jobId: `account-locked.${user.id}.${Date.parse(windowStartedAt)}`,
            payload: { organizationId: user.organizationId, userId: user.id, windowStartedAt },
          },
        ]);
      }
      tx.audit({
        action: 'auth.login',
        outcome: 'failure',
        resourceType: 'User',
        resourceId: user?.id ?? null,
      });
    });
  }
}

/** A user's events before a session exists (its sign-in). */
function userActor(user: User, correlationId: string): AuditActor {
  return {
    organizationId: user.organizationId,
    actorId: user.id,
    actorType: 'user',
    actorRole: user.role,
    correlationId,
  };
}

/** A caller not known yet (an unknown email, a refresh token not checked yet). */
function anonymous(correlationId: string): AuditActor {
  return {
    organizationId: SYSTEM_ORGANIZATION_ID,
    actorId: null,
    actorType: 'anonymous',
    actorRole: null,
    correlationId,
  };
}

function toPrincipal(user: User, sessionId: string): UserPrincipal {
  return {
    kind: 'user',
    id: user.id,
    organizationId: user.organizationId,
    role: user.role,
    sessionId,
  };
}
