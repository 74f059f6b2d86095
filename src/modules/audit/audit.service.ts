import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

import { correlationOf, Principal, roleOf } from '../../auth/principal';
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

const INSERT_INTO = `INSERT INTO audit_event (organization_id, actor_id, actor_type, actor_role, action,
  client_id, resource_type, resource_id, outcome, correlation_id)`;
const INSERT = `${INSERT_INTO}
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`;

/** Events per INSERT of a unit of work: 10 parameters each, far below Postgres's 65,535. */
const INSERT_BATCH = 1000;

/** The ten values of one event, in INSERT's column order. */
function values(a: AuditActor, entry: AuditEntry): unknown[] {
  return [
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
  ];
}

@Injectable()
export class AuditService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Appends one event inside the caller's transaction: for a read that runs in one (an export's
   * snapshot) or a service that is not a write. A write runs in UnitOfWork.run and audits with
   * `tx.audit`, which also commits the request's `Idempotency-Key`; this never does.
   */
  async record(
    manager: EntityManager,
    actor: AuditActor | Principal,
    entry: AuditEntry,
  ): Promise<void> {
    const a = 'kind' in actor ? actorOf(actor) : actor;
    await manager.query(INSERT, values(a, entry));
  }

  /**
   * The events of a unit of work (UnitOfWork.run), in its transaction: one INSERT for all of
   * them (per INSERT_BATCH: Postgres binds at most 65,535 parameters), none for no event.
   */
  async insert(
    manager: EntityManager,
    events: readonly { actor: AuditActor; entry: AuditEntry }[],
  ): Promise<void> {
    if (events.length === 1) {
      await manager.query(INSERT, values(events[0].actor, events[0].entry));
      return;
    }
    for (let start = 0; start < events.length; start += INSERT_BATCH) {
      const batch = events.slice(start, start + INSERT_BATCH);
      const tuples = batch.map((_, i) => {
        const b = i * 10;
        return `(${Array.from({ length: 10 }, (__, j) => `$${b + j + 1}`).join(', ')})`;
      });
      await manager.query(
        `${INSERT_INTO} VALUES ${tuples.join(', ')}`,
        batch.flatMap((e) => values(e.actor, e.entry)),
      );
    }
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

  /**
   * The set-based `recordReads` of an export: one event naming every distinct `client_id` the
   * statement `clients` returns (`client_id` for one, `client_ids` for more, neither for none),
   * run inside `manager`'s transaction (e.g. in the export's snapshot). The rows never come back
   * to Node.
   */
  async recordReadsOf(
    manager: EntityManager,
    actor: Principal,
    entry: Omit<AuditEntry, 'clientId'>,
    clients: { text: string; values: unknown[] },
  ): Promise<void> {
    const a = actorOf(actor);
    const n = clients.values.length;
    const p = (i: number): string => `$${n + i}`;
    await manager.query(
      `WITH ids AS (SELECT array_agg(DISTINCT x.client_id) AS a FROM (${clients.text}) x)
       INSERT INTO audit_event (organization_id, actor_id, actor_type, actor_role, action,
         client_id, client_ids, resource_type, resource_id, outcome, correlation_id)
       SELECT ${p(1)}::uuid, ${p(2)}::uuid, ${p(3)}::text, ${p(4)}::text, ${p(5)}::text,
         CASE WHEN cardinality(ids.a) = 1 THEN ids.a[1] END,
         CASE WHEN cardinality(ids.a) > 1 THEN ids.a END,
         ${p(6)}::text, ${p(7)}::text, ${p(8)}::text, ${p(9)}::text
       FROM ids`,
      [
        ...clients.values,
        a.organizationId,
        a.actorId,
        a.actorType,
        a.actorRole,
        entry.action,
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
