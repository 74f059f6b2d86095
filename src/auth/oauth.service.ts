import { Injectable } from '@nestjs/common';

import { DomainError } from '../common/errors/domain-error';
import { AuditService } from '../modules/audit/audit.service';
import { ApiClientsService } from '../modules/api-clients/api-clients.service';
import { OAuthTokenDto, OAuthTokenResponse } from './dto/auth.dto';
import { LoginLimiterService } from './login-limiter.service';
import { TokenService } from './token.service';

const invalidClient = (): DomainError =>
  new DomainError('INVALID_CLIENT', 'Client authentication failed.', {
    members: { error: 'invalid_client' },
  });

/** OAuth2 client credentials (RFC 6749 section 4.4) for EHR and treatment systems. */
@Injectable()
export class OAuthService {
  constructor(
    private readonly apiClients: ApiClientsService,
    private readonly tokens: TokenService,
    private readonly audit: AuditService,
    private readonly limiter: LoginLimiterService,
  ) {}

  /**
   * Secret checks are held to the sign-in limits (LOGIN_ACCOUNT_MAX_FAILURES per client id in the
   * window, LOGIN_IP_MAX_PER_MINUTE per address), reserved before the secret is checked.
   */
  async token(
    dto: OAuthTokenDto,
    authorization: string | undefined,
    ip: string,
    correlationId: string,
  ): Promise<OAuthTokenResponse> {
    const credentials = parseBasic(authorization) ?? postCredentials(dto);
    if (!credentials) throw invalidClient();
    const attempt = await this.limiter.reserve(ip, `oauth-client:${credentials.id}`);
    const client = await this.apiClients
      .authenticate(credentials.id, credentials.secret)
      .catch(async (err: unknown) => {
        await this.limiter.release(attempt);
        throw err;
      });
    if (!client) throw invalidClient();
    await this.limiter.release(attempt);
    const requested = dto.scope?.split(' ').filter(Boolean) ?? client.scopes;
    if (requested.length === 0 || requested.some((s) => !client.scopes.includes(s))) {
      throw new DomainError(
        'INVALID_SCOPE',
        'The requested scope exceeds what this client was granted.',
        {
          members: { error: 'invalid_scope' },
        },
      );
    }
    const principal = {
      kind: 'api_client' as const,
      id: client.id,
      organizationId: client.organizationId,
      scopes: requested,
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
      scope: requested.join(' '),
    };
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
