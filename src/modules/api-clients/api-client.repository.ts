import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';

import { pageNewestFirst } from '../../common/dto/keyset';
import { Pager } from '../../common/dto/pagination';
import { updateVersioned } from '../../common/http/etag';
import { ApiClient } from './api-client.entity';

/** A new API client (its secret already hashed, or none). */
export type NewApiClient = Pick<
  ApiClient,
  'organizationId' | 'name' | 'clientId' | 'secretHash' | 'scopes' | 'purpose' | 'jwks' | 'jwksUrl'
>;

/** The SQL of API clients (registrations of other systems). */
@Injectable()
export class ApiClientRepository {
  constructor(@InjectRepository(ApiClient) private readonly clients: Repository<ApiClient>) {}

  /** Inserts the API client; returns it as saved. */
  insert(m: EntityManager, c: NewApiClient): Promise<ApiClient> {
    return m.save(m.create(ApiClient, c));
  }

  /** One page of the organization's API clients, newest first. */
  pageInOrg(organizationId: string, pager: Pager): Promise<ApiClient[]> {
    const qb = this.clients
      .createQueryBuilder('c')
      .where('c.organization_id = :org', { org: organizationId });
    return pageNewestFirst(qb, 'c', pager).getMany();
  }

  /** The version-checked update of an API client (412 when stale, 404 when absent). */
  updateVersioned(
    m: EntityManager,
    where: { id: string; organizationId: string },
    expectedVersion: number,
    patch: QueryDeepPartialEntity<ApiClient>,
  ): Promise<void> {
    return updateVersioned(m, ApiClient, where, expectedVersion, patch);
  }

  findInOrg(where: { id: string; organizationId: string }): Promise<ApiClient | null> {
    return this.clients.findOneBy(where);
  }

  /** The active client with this client id, with its secret hash (the one read that has it). */
  findActiveWithSecret(clientId: string): Promise<ApiClient | null> {
    return this.clients
      .createQueryBuilder('c')
      .addSelect('c.secretHash')
      .where('c.client_id = :clientId AND c.active', { clientId })
      .getOne();
  }

  /** The active client with this client id and registered keys (inline or by URL). */
  findActiveWithKeys(clientId: string): Promise<ApiClient | null> {
    return this.clients
      .createQueryBuilder('c')
      .where('c.client_id = :clientId AND c.active', { clientId })
      .andWhere('(c.jwks IS NOT NULL OR c.jwks_url IS NOT NULL)')
      .getOne();
  }
}
