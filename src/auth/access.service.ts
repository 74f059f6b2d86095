import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, ObjectLiteral, SelectQueryBuilder } from 'typeorm';

import { NotFoundError } from '../common/errors/domain-error';
import { AuditService } from '../modules/audit/audit.service';
import { Role } from './permissions';
import { Principal } from './principal';

/** The fields of a client that scope and business rules need; no PHI. */
export interface ScopedClient {
  id: string;
  organizationId: string;
  primarySpecialistId: string | null;
  status: 'referred' | 'active' | 'inactive' | 'closed';
}

// Specialists on the teams a supervisor supervises.
const SUPERVISED = `SELECT m.user_id FROM team_member m
  JOIN team_member s ON s.team_id = m.team_id AND s.membership = 'supervisor'
  WHERE s.user_id = :scopeUserId AND m.membership = 'member'`;

// Active, unrevoked coverage of this specialist for the client.
const COVERING = (alias: string): string => `EXISTS (SELECT 1 FROM client_coverage cv
  WHERE cv.client_id = ${alias}.id AND cv.specialist_id = :scopeUserId AND cv.revoked_at IS NULL
    AND cv.starts_at <= now() AND cv.ends_at > now())`;

/**
 * Record scope (SPEC section 2), in one place. Every query of client data goes through
 * `scopeClients` or `requireClient`, so a row outside the caller's scope can never come back:
 * - a peer specialist: their caseload (primary) and clients under active coverage;
 * - a supervisor: clients of the specialists on the teams they supervise, and unassigned clients
 *   of the organization (the "needs assignment" queue they work);
 * - an admin: the organization's clients (narratives are withheld by the features, not here);
 * - an API client: none until consents exist (42 CFR Part 2: no consent, no client).
 * Outside scope answers 404, identical to a record that does not exist.
 */
@Injectable()
export class AccessService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  /** A predicate on client alias `alias`, with its named parameters. */
  clientPredicate(
    principal: Principal,
    alias = 'c',
  ): { sql: string; params: Record<string, unknown> } {
    const params = { scopeOrgId: principal.organizationId, scopeUserId: principal.id };
    const org = `${alias}.organization_id = :scopeOrgId AND ${alias}.deleted_at IS NULL`;
    if (principal.kind === 'api_client') return { sql: 'false', params };
    switch (principal.role) {
      case Role.Admin:
        return { sql: org, params };
      case Role.Supervisor:
        return {
          sql: `${org} AND (${alias}.primary_specialist_id IN (${SUPERVISED}) OR ${alias}.primary_specialist_id IS NULL)`,
          params,
        };
      case Role.PeerSpecialist:
        return {
          sql: `${org} AND (${alias}.primary_specialist_id = :scopeUserId OR ${COVERING(alias)})`,
          params,
        };
    }
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
    const rows: { user_id: string }[] = await this.dataSource.query(
      SUPERVISED.replace(':scopeUserId', '$1'),
      [supervisorId],
    );
    return rows.map((r) => r.user_id);
  }
}
