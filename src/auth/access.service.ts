import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, ObjectLiteral, SelectQueryBuilder } from 'typeorm';

import { NotFoundError } from '../common/errors/domain-error';
import { AuditService } from '../modules/audit/audit.service';
import { DataCategory, disclosableClients, DisclosurePurpose } from './access/consent.sql';
import {
  clientScope,
  groupSessionScope,
  ScopeSql,
  supervisedSpecialistIds,
} from './access/scope.sql';
import { Principal } from './principal';

/** The fields of a client that scope and business rules need; no PHI. */
export interface ScopedClient {
  id: string;
  organizationId: string;
  primarySpecialistId: string | null;
  status: 'referred' | 'active' | 'inactive' | 'closed';
}

/** The consent a disclosure of a client to an API client is made under (42 CFR Part 2). */
export interface DisclosableClient {
  clientId: string;
  consentId: string;
  /** The purpose the API client was registered for (covered by the consent). */
  purpose: DisclosurePurpose;
  /** The categories the consent covers (a mapper may withhold what they do not list). */
  categories: DataCategory[];
}

/**
 * Record scope (SPEC sections 2 and 9), in one place: the rules are the SQL fragments of
 * `./access/scope.sql` (clients, specialists, dashboards, audit events, alert recipients); this
 * service applies them. Every query of client data goes through `scopeClients` or
 * `requireClient`, so a row outside the caller's scope can never come back. Outside scope
 * answers 404, identical to a record that does not exist.
 */
@Injectable()
export class AccessService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  /**
   * A predicate on client alias `alias`, with its named parameters (see `clientScope`). For an
   * API client, `categories` are the Part 2 data categories the caller reads (any one suffices).
   */
  clientPredicate(
    principal: Principal,
    alias = 'c',
    categories: readonly DataCategory[] = [],
  ): ScopeSql {
    return clientScope(principal, alias, categories);
  }

  /**
   * "API client `apiClientId` may see these clients for one of `categories` now", set-based: the
   * clients of `clientIds` it may see, each with the consent that allows it, in one statement.
   * The FHIR facade and webhook delivery both ask here (consent re-checked at delivery).
   */
  async disclosableClients(
    apiClientId: string,
    clientIds: readonly string[],
    categories: readonly DataCategory[],
    manager?: EntityManager,
  ): Promise<DisclosableClient[]> {
    if (clientIds.length === 0 || categories.length === 0) return [];
    return (manager ?? this.dataSource.manager).query(
      `SELECT d.client_id AS "clientId", d.consent_id AS "consentId", d.purpose, d.categories
       FROM (${disclosableClients('$1::uuid', '$2', '$3')}) d
       JOIN client c ON c.id = d.client_id AND c.deleted_at IS NULL`,
      [apiClientId, [...new Set(clientIds)], [...categories]],
    );
  }

  /** Restricts a query builder whose alias `alias` is a client row to the caller's scope. */
  scopeClients<T extends ObjectLiteral>(
    qb: SelectQueryBuilder<T>,
    principal: Principal,
    alias = 'c',
  ): SelectQueryBuilder<T> {
    const { sql, params } = this.clientPredicate(principal, alias);
    return qb.andWhere(`(${sql})`, params);
  }

  /** Restricts a query builder whose alias `alias` is a group_session row to the caller's scope. */
  scopeGroupSessions<T extends ObjectLiteral>(
    qb: SelectQueryBuilder<T>,
    principal: Principal,
    alias = 'g',
  ): SelectQueryBuilder<T> {
    const { sql, params } = groupSessionScope(principal, alias);
    return qb.andWhere(`(${sql})`, params);
  }

  /**
   * The client when in scope; otherwise a 404 (and an audited denial). With `lock` (inside a
   * transaction) the client row is held `FOR SHARE` until commit: its status and primary
   * specialist cannot change under the caller (closing or reassigning waits for it).
   */
  async requireClient(
    principal: Principal,
    clientId: string,
    manager?: EntityManager,
    lock = false,
  ): Promise<ScopedClient> {
    // Plain SQL rather than a query builder: this runs on most requests.
    const scope = this.clientPredicate(principal, 'c');
    const [sql, values] = this.dataSource.driver.escapeQueryWithParameters(
      `SELECT c.id AS id, c.organization_id AS "organizationId", c.primary_specialist_id AS "primarySpecialistId",
         c.status AS status FROM client c WHERE c.id = :clientId AND (${scope.sql})${lock ? ' FOR SHARE OF c' : ''}`,
      { ...scope.params, clientId },
      {},
    );
    const [client]: ScopedClient[] = await (manager ?? this.dataSource.manager).query(sql, values);
    if (client) return client;
    await this.audit.recordNow(principal, {
      action: 'client.access',
      outcome: 'denied',
      resourceType: 'Client',
      resourceId: clientId,
    });
    throw new NotFoundError('Client');
  }

  /** Ids of the specialists a supervisor supervises (for dashboards and team filters). */
  async supervisedSpecialistIds(supervisorId: string): Promise<string[]> {
    const rows: { user_id: string }[] = await this.dataSource.query(supervisedSpecialistIds('$1'), [
      supervisorId,
    ]);
    return rows.map((r) => r.user_id);
  }
}
