import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

import { correlationOf, Principal, roleOf } from '../../auth/principal';
import { commitIdempotencyClaim } from '../idempotency/idempotency-claim';
import { AuditActorType, AuditOutcome } from './audit-event.entity';

/** Events that are not about one organization's actor (an unknown email) chain here. */
export const SYSTEM_ORGANIZATION_ID = '00000000-0000-0000-0000-000000000000';

export interface AuditActor {
  organizationId: string;
  actorId: string | null;
  actorType: AuditActorType;
  actorRole: string | null;
  /** The request's correlation id (SPEC 9), when the event comes from one. */
  correlationId?: string | null;
}

/** What happened. Ids and enums only: never names, narratives or free text (no PHI). */
export interface AuditEntry {
  action: string;
  outcome?: AuditOutcome;
  clientId?: string | null;
  resourceType?: string;
  resourceId?: string | null;
}

export function actorOf(principal: Principal): AuditActor {
  return {
    organizationId: principal.organizationId,
    actorId: principal.id,
    actorType: principal.kind === 'user' ? 'user' : 'api_client',
    actorRole: roleOf(principal),
    correlationId: correlationOf(principal),
  };
}

const INSERT = `INSERT INTO audit_event (organization_id, actor_id, actor_type, actor_role, action,
  client_id, resource_type, resource_id, outcome, correlation_id)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`;

@Injectable()
export class AuditService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Appends an event inside the caller's transaction, so a write and its audit event commit
   * together (and, for a request with an `Idempotency-Key`, the key's `committed` mark too).
   */
  async record(
    manager: EntityManager,
    actor: AuditActor | Principal,
    entry: AuditEntry,
  ): Promise<void> {
    const a = 'kind' in actor ? actorOf(actor) : actor;
    await manager.query(INSERT, [
      a.organizationId,
      a.actorId,
      a.actorType,
      a.actorRole,
      entry.action,
      entry.clientId ?? null,
      entry.resourceType ?? null,
      entry.resourceId ?? null,
      entry.outcome ?? 'success',
      a.correlationId ?? null,
    ]);
    if ('kind' in actor) await commitIdempotencyClaim(manager, actor.context, entry);
  }

  /**
   * A list read: ONE event naming every client whose data the page holds in `client_ids` (SPEC 9:
   * each of them is findable as accessed, `client_ids` is GIN-indexed); with one client, the
   * usual `client_id`; without any, an event without clients. One row instead of one per client
   * keeps the sealer ahead of reads.
   */
  async recordReads(
    actor: AuditActor | Principal,
    entry: Omit<AuditEntry, 'clientId'>,
    clientIds: Iterable<string>,
  ): Promise<void> {
    const ids = [...new Set(clientIds)];
    if (ids.length <= 1) return this.recordNow(actor, { ...entry, clientId: ids[0] });
    const a = 'kind' in actor ? actorOf(actor) : actor;
    await this.dataSource.query(
      `INSERT INTO audit_event (organization_id, actor_id, actor_type, actor_role, action,
         client_ids, resource_type, resource_id, outcome, correlation_id)
       VALUES ($1, $2, $3, $4, $5, $6::uuid[], $7, $8, $9, $10)`,
      [
        a.organizationId,
        a.actorId,
        a.actorType,
        a.actorRole,
        entry.action,
        ids,
        entry.resourceType ?? null,
        entry.resourceId ?? null,
        entry.outcome ?? 'success',
        a.correlationId ?? null,
      ],
    );
  }

  /** Appends an event in a transaction of its own (reads, logins, denials). */
  async recordNow(actor: AuditActor | Principal, entry: AuditEntry): Promise<void> {
    await this.record(this.dataSource.manager, actor, entry);
  }
}
