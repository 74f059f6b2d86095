import { randomBytes, timingSafeEqual } from 'node:crypto';

import { Inject, Injectable } from '@nestjs/common';

import { UserPrincipal } from '../../auth/principal';
import { jwkSetErrors, jwksUrlErrors, PublicJwkSet } from '../../auth/smart/jwk-set';
import { sha256 } from '../../auth/token.service';
import { CONFIG } from '../../config/config.module';
import { Config } from '../../config/configuration';
import { SessionCheckService } from '../../auth/session-check.service';
import { PageQuery } from '../../common/dto/page.query';
import { Page, Pager } from '../../common/dto/pagination';
import { NotFoundError, ValidationError } from '../../common/errors/domain-error';
import { UnitOfWork } from '../audit/unit-of-work';
import { ApiClient } from './api-client.entity';
import { ApiClientRepository } from './api-client.repository';
import {
  ApiClientResponse,
  CreateApiClientDto,
  CreatedApiClientResponse,
  UpdateApiClientDto,
} from './dto/api-client.dto';

const toResponse = (c: ApiClient): ApiClientResponse => ({
  id: c.id,
  name: c.name,
  clientId: c.clientId,
  scopes: c.scopes,
  purpose: c.purpose,
  jwks: c.jwks,
  jwksUrl: c.jwksUrl,
  active: c.active,
  version: c.version,
  createdAt: c.createdAt.toISOString(),
});

@Injectable()
export class ApiClientsService {
  private readonly jwksHttpHosts: ReadonlySet<string>;

  constructor(
    private readonly uow: UnitOfWork,
    private readonly clients: ApiClientRepository,
    private readonly sessions: SessionCheckService,
    @Inject(CONFIG) config: Config,
  ) {
    this.jwksHttpHosts = config.smart.jwks.httpHosts;
  }

  /**
   * Registers an API client. With a JWK Set (inline or by URL) it authenticates with client
   * assertions only and gets no secret; else a secret is shown once.
   */
  async create(actor: UserPrincipal, dto: CreateApiClientDto): Promise<CreatedApiClientResponse> {
    await this.checkKeys(dto);
    const keysOnly = dto.jwks !== undefined || dto.jwksUrl !== undefined;
    // 256-bit secret: a fast hash is enough (no dictionary to guess from), unlike passwords.
    const clientSecret = keysOnly ? undefined : randomBytes(32).toString('base64url');
    const client = await this.uow.run(actor, async (tx) => {
      const m = tx.manager;
      const saved = await this.clients.insert(m, {
        organizationId: actor.organizationId,
        name: dto.name,
        clientId: `rb_${randomBytes(12).toString('hex')}`,
        secretHash: clientSecret ? sha256(clientSecret) : null,
        scopes: dto.scopes,
        purpose: dto.purpose ?? 'treatment',
        jwks: (dto.jwks as unknown as PublicJwkSet | undefined) ?? null,
        jwksUrl: dto.jwksUrl ?? null,
      });
      tx.audit({
        action: 'api-client.create',
        resourceType: 'ApiClient',
        resourceId: saved.id,
      });
      return saved;
    });
    return clientSecret ? { ...toResponse(client), clientSecret } : toResponse(client);
  }

  private async checkKeys(dto: CreateApiClientDto): Promise<void> {
    if (dto.jwks !== undefined && dto.jwksUrl !== undefined) {
      throw new ValidationError([
        { field: 'jwksUrl', message: 'jwks and jwksUrl are mutually exclusive' },
      ]);
    }
    const errors = [
      ...(dto.jwks !== undefined ? await jwkSetErrors(dto.jwks) : []),
      ...(dto.jwksUrl !== undefined ? jwksUrlErrors(dto.jwksUrl, this.jwksHttpHosts) : []),
    ];
    if (errors.length > 0) throw new ValidationError(errors);
  }

  async list(actor: UserPrincipal, query: PageQuery): Promise<Page<ApiClientResponse>> {
    const pager = new Pager(query, { principal: actor, list: 'api-clients' });
    const rows = await this.clients.pageInOrg(actor.organizationId, pager);
    return pager.page(rows, (c) => ({ key: c.createdAt.toISOString(), id: c.id }), toResponse);
  }

  async update(
    actor: UserPrincipal,
    id: string,
    expectedVersion: number,
    dto: UpdateApiClientDto,
  ): Promise<ApiClientResponse> {
    const where = { id, organizationId: actor.organizationId };
    await this.uow.run(actor, async (tx) => {
      const m = tx.manager;
      await this.clients.updateVersioned(m, where, expectedVersion, { ...dto });
      tx.audit({
        action: 'api-client.update',
        resourceType: 'ApiClient',
        resourceId: id,
      });
    });
    this.sessions.forget(id);
    const client = await this.clients.findInOrg(where);
    if (!client) throw new NotFoundError('API client');
    return toResponse(client);
  }

  /** client_credentials: the active client whose secret matches, or undefined. */
  async authenticate(clientId: string, clientSecret: string): Promise<ApiClient | undefined> {
    const client = await this.clients.findActiveWithSecret(clientId);
    const presented = sha256(clientSecret);
    const expected = client?.secretHash ?? Buffer.alloc(32);
    const ok = timingSafeEqual(presented, expected);
    // A client registered with keys only has no secret: no secret authenticates it.
    return client?.secretHash && ok ? client : undefined;
  }

  /** private_key_jwt: the active client with registered keys, or undefined. */
  async findForAssertion(clientId: string): Promise<ApiClient | undefined> {
    const client = await this.clients.findActiveWithKeys(clientId);
    return client ?? undefined;
  }
}
