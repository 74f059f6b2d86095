import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

import { Principal } from '../../auth/principal';
import { JobRequest } from '../../queue/jobs';
import { OutboxService } from '../../queue/outbox.service';
import { commitIdempotencyClaim } from '../idempotency/idempotency-claim';
import { actorOf, AuditActor, AuditEntry, AuditService } from './audit.service';

/** One audit event of a unit: by the unit's actor unless the write names another. */
export interface PendingAuditEvent {
  actor: AuditActor;
  entry: AuditEntry;
}

/**
 * The handle a write gets inside its transaction: `manager` for its own statements, `audit` and
 * `enqueue` for what the unit writes when the work returns (nothing happens behind its back).
 */
export class WriteTx {
  readonly events: PendingAuditEvent[] = [];
  readonly jobs: JobRequest[] = [];

  constructor(
    readonly manager: EntityManager,
    private readonly actor: AuditActor,
  ) {}

  /** An audit event, written with the unit (ids and enums only: no PHI). */
  audit(entry: AuditEntry, actor?: AuditActor | Principal): void {
    const a = actor === undefined ? this.actor : 'kind' in actor ? actorOf(actor) : actor;
    this.events.push({ actor: a, entry });
  }

  /** Jobs for the worker, written to the outbox with the unit (never for a write that rolls back). */
  enqueue(jobs: JobRequest[]): void {
    this.jobs.push(...jobs);
  }
}

/**
 * How a write is made: `run(actor, fn)` opens one transaction, runs `fn`, then writes, in that
 * transaction and in this order, the unit's audit events (one INSERT), its outbox rows (one
 * INSERT, carrying the actor's correlation id) and, for a request that claimed an
 * `Idempotency-Key` and audited a write, the key's `committed` mark (one UPDATE). Any error rolls
 * all of it back. A system actor (a worker, a seed) has no request, hence no key to commit.
 */
@Injectable()
export class UnitOfWork {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
  ) {}

  run<T>(actor: Principal | AuditActor, fn: (tx: WriteTx) => Promise<T>): Promise<T> {
    const principal = 'kind' in actor ? actor : undefined;
    const a = principal ? actorOf(principal) : (actor as AuditActor);
    return this.dataSource.transaction(async (manager) => {
      const tx = new WriteTx(manager, a);
      const result = await fn(tx);
      await this.audit.insert(manager, tx.events);
      await this.outbox.enqueue(manager, tx.jobs, a.correlationId ?? null);
      if (tx.events.length > 0) {
        await commitIdempotencyClaim(
          manager,
          principal?.context,
          tx.events.map((e) => e.entry),
        );
      }
      return result;
    });
  }
}
