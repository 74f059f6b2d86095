import { Injectable, Logger } from '@nestjs/common';

import { DomainError } from '../common/errors/domain-error';
import { AuditService } from '../modules/audit/audit.service';
import { ApiClient } from '../modules/api-clients/api-client.entity';
import { ApiClientsService } from '../modules/api-clients/api-clients.service';
import { OAuthTokenDto, OAuthTokenResponse } from './dto/auth.dto';
import { LoginAttempt, LoginLimiterService } from './login-limiter.service';
import { grantScopes, isApiScope } from './permissions';
import {
  AssertionRejected,
  ClientAssertionService,
  JWT_BEARER_ASSERTION,
} from './smart/client-assertion.service';
import { TokenService } from './token.service';

const invalidClient = (): DomainError =>
  new DomainError('INVALID_CLIENT', 'Client authentication failed.', {
    members: { error: 'invalid_client' },
  });

const invalidScope = (detail: string): DomainError =>
  new DomainError('INVALID_SCOPE', detail, { members: { error: 'invalid_scope' } });

/**
 * OAuth2 client credentials (RFC 6749 section 4.4) for EHR and treatment systems, authenticated
 * by a client secret (client_secret_basic, client_secret_post) or by a client assertion
 * (private_key_jwt, RFC 7523: SMART Backend Services).
 */
@Injectable()
export class OAuthService {
  private readonly logger = new Logger(OAuthService.name);

  constructor(
    private readonly apiClients: ApiClientsService,
    private readonly tokens: TokenService,
    private readonly audit: AuditService,
    private readonly limiter: LoginLimiterService,
    private readonly assertions: ClientAssertionService,
  ) {}

  async token(
    dto: OAuthTokenDto,
    authorization: string | undefined,
    ip: string,
    correlationId: string,
  ): Promise<OAuthTokenResponse> {
    const usesAssertion =
      dto.client_assertion !== undefined || dto.client_assertion_type !== undefined;
    const client = usesAssertion
      ? await this.authenticateAssertion(dto, authorization, ip)
      : await this.authenticateSecret(dto, authorization, ip);
    const scopes = this.grantedScopes(dto.scope, client.scopes);
    const principal = {
      kind: 'api_client' as const,
      id: client.id,
      organizationId: client.organizationId,
      scopes,
      generation: client.tokenGeneration,
      context: { correlationId },
    };
    await this.audit.recordNow(principal, {
      action: 'oauth.token',
      resourceType: 'ApiClient',
      resourceId: client.id,
    });
    return {
      access_token: this.tokens.signAccess(principal),
      token_type: 'Bearer',
      expires_in: this.tokens.accessTtlSeconds,
      scope: scopes.join(' '),
    };
  }

  /**
   * Secret checks are held to the sign-in limits (LOGIN_ACCOUNT_MAX_FAILURES per client id in the
   * window, LOGIN_IP_MAX_PER_MINUTE per address), reserved before the secret is checked.
   */
  private async authenticateSecret(
    dto: OAuthTokenDto,
    authorization: string | undefined,
    ip: string,
  ): Promise<ApiClient> {
    const credentials = parseBasic(authorization) ?? postCredentials(dto);
    if (!credentials) throw invalidClient();
    return this.limited(ip, credentials.id, () =>
      this.apiClients.authenticate(credentials.id, credentials.secret),
    );
  }

  /** private_key_jwt, under the same limits as secrets: a refused assertion is a failure. */
  private async authenticateAssertion(
    dto: OAuthTokenDto,
    authorization: string | undefined,
    ip: string,
  ): Promise<ApiClient> {
    // RFC 6749 2.3: one authentication method per request.
    if (authorization || dto.client_secret !== undefined) throw invalidClient();
    if (dto.client_assertion_type !== JWT_BEARER_ASSERTION || !dto.client_assertion) {
      throw invalidClient();
    }
    const assertion = dto.client_assertion;
    const clientId = this.assertions.claimedIssuer(assertion);
    if (!clientId || (dto.client_id !== undefined && dto.client_id !== clientId)) {
      throw invalidClient();
    }
    return this.limited(ip, clientId, async () => {
      const client = await this.apiClients.findForAssertion(clientId);
      if (!client) return undefined;
      try {
        await this.assertions.verify(assertion, clientId, client);
        return client;
      } catch (err) {
        if (!(err instanceof AssertionRejected)) throw err;
        this.logger.warn({ clientId, reason: err.message }, 'client assertion refused');
        return undefined;
      }
    });
  }

  /** Runs a credential check under a reserved attempt: kept when it fails, given back otherwise. */
  private async limited(
    ip: string,
    clientId: string,
    check: () => Promise<ApiClient | undefined>,
  ): Promise<ApiClient> {
    const attempt: LoginAttempt | undefined = await this.limiter.reserve(
      ip,
      `oauth-client:${clientId}`,
    );
    const client = await check().catch(async (err: unknown) => {
      await this.limiter.release(attempt);
      throw err;
    });
    if (!client) throw invalidClient();
    await this.limiter.release(attempt);
    return client;
  }

  /**
   * The scopes asked for (all registered ones when none are) that the client was registered with,
   * `system/*.read` expanded on both sides. Nothing in common, or a scope we do not know: 400.
   */
  private grantedScopes(scope: string | undefined, registered: string[]): string[] {
    const asked = scope === undefined ? registered : scope.split(' ').filter(Boolean);
    if (asked.some((s) => !isApiScope(s))) {
      throw invalidScope('The requested scope names a scope this server does not know.');
    }
    const granted = grantScopes(asked, registered);
    if (granted.length === 0) {
      throw invalidScope('The requested scope exceeds what this client was granted.');
    }
    return granted;
  }
}

function parseBasic(header: string | undefined): { id: string; secret: string } | undefined {
  const match = header ? /^Basic ([A-Za-z0-9+/=]+)$/.exec(header) : null;
  if (!match) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 1) return undefined;
  try {
    return {
      id: decodeURIComponent(decoded.slice(0, colon)),
      secret: decodeURIComponent(decoded.slice(colon + 1)),
    };
  } catch {
    return undefined;
  }
}

function postCredentials(dto: OAuthTokenDto): { id: string; secret: string } | undefined {
  return dto.client_id && dto.client_secret
    ? { id: dto.client_id, secret: dto.client_secret }
    : undefined;
}
