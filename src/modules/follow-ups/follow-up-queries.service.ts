import { Injectable, StreamableFile } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, SelectQueryBuilder } from 'typeorm';

import { AccessService } from '../../auth/access.service';
import { UserPrincipal } from '../../auth/principal';
import {
  csvAttachment,
  csvFileName,
  inSnapshot,
  poolOf,
  streamRows,
  toCsv,
} from '../../common/csv/csv';
import { Page, Pager } from '../../common/dto/pagination';
import { NotFoundError } from '../../common/errors/domain-error';
import { AuditService } from '../audit/audit.service';
import { FollowUpQuery, FollowUpResponse } from './dto/follow-up.dto';
import { FollowUpAttempt } from './follow-up-attempt.entity';
import { OPEN_STATUSES } from './follow-up-status';
import { FollowUp } from './follow-up.entity';
import { FOLLOW_UP_CSV_COLUMNS, FOLLOW_UP_CSV_SELECT } from './follow-up.csv';
import { toFollowUpResponse } from './follow-up.mapper';

const OPEN = `(${OPEN_STATUSES.map((s) => `'${s}'`).join(', ')})`;

/** Reads of follow-up tasks, always through the caller's client scope (SPEC 2). */
@Injectable()
export class FollowUpQueriesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly access: AccessService,
    private readonly audit: AuditService,
  ) {}

  async list(actor: UserPrincipal, query: FollowUpQuery): Promise<Page<FollowUpResponse>> {
    const pager = new Pager(query, { principal: actor, list: 'follow-ups' });
    // Filtering on a client outside the caller's scope is a 404, as reading it would be.
    if (query.clientId) await this.access.requireClient(actor, query.clientId);
    const qb = this.scoped(this.dataSource.manager, actor);
    this.applyFilters(qb, actor, query);
    const after = pager.after;
    if (after) {
      qb.andWhere('(f.due_at, f.id) > (:afterKey::timestamptz, :afterId::uuid)', {
        afterKey: after.key,
        afterId: after.id,
      });
    }
    const rows = await qb
      .orderBy('f.due_at', 'ASC')
      .addOrderBy('f.id', 'ASC')
      .limit(query.limit + 1)
      .getMany();
    const attempts = await this.attemptsOf(
      this.dataSource.manager,
      rows.slice(0, query.limit).map((f) => f.id),
    );
    await this.audit.recordReads(
      actor,
      { action: 'follow-up.list', resourceType: 'FollowUp' },
      rows.slice(0, query.limit).map((f) => f.clientId),
    );
    return pager.page(
      rows,
      (f) => ({ key: f.dueAt.toISOString(), id: f.id }),
      (f) => toFollowUpResponse(f, attempts.get(f.id)),
    );
  }

  /**
   * Every follow-up of the list with the same filters, soonest due first, as a streamed CSV
   * (SPEC 10). Audited like the list, set-based: one `follow-up.list` event per client the export
   * holds, written in the export's own snapshot and committed before the first row is sent.
   */
  async export(actor: UserPrincipal, query: FollowUpQuery): Promise<StreamableFile> {
    if (query.clientId) await this.access.requireClient(actor, query.clientId);
    const qb = this.scoped(this.dataSource.manager, actor);
    this.applyFilters(qb, actor, query);
    const [clientsText, clientsValues] = qb
      .clone()
      .select('f.client_id', 'client_id')
      .getQueryAndParameters();
    const [text, values] = qb
      .select(FOLLOW_UP_CSV_SELECT)
      .orderBy('f.due_at', 'ASC')
      .addOrderBy('f.id', 'ASC')
      .getQueryAndParameters();
    const rows = await streamRows(
      poolOf(this.dataSource),
      { text, values },
      {
        beforeRows: (snapshot) =>
          inSnapshot(this.dataSource, snapshot, (m) =>
            this.audit.recordReadsOf(
              m,
              actor,
              { action: 'follow-up.list', resourceType: 'FollowUp' },
              { text: clientsText, values: clientsValues },
            ),
          ),
      },
    );
    const today = new Date().toISOString().slice(0, 10);
    return csvAttachment(
      csvFileName('follow-ups', query.view, query.status, today),
      toCsv(FOLLOW_UP_CSV_COLUMNS, rows),
    );
  }

  async get(actor: UserPrincipal, id: string): Promise<FollowUpResponse> {
    const f = await this.requireFollowUp(this.dataSource.manager, actor, id);
    const attempts = await this.attemptsOf(this.dataSource.manager, [id]);
    await this.audit.recordNow(actor, {
      action: 'follow-up.read',
      clientId: f.clientId,
      resourceType: 'FollowUp',
      resourceId: id,
    });
    return toFollowUpResponse(f, attempts.get(id));
  }

  scoped(manager: EntityManager, actor: UserPrincipal): SelectQueryBuilder<FollowUp> {
    const qb = manager
      .createQueryBuilder(FollowUp, 'f')
      .innerJoin('client', 'c', 'c.id = f.client_id');
    return this.access.scopeClients(qb, actor, 'c');
  }

  private applyFilters(
    qb: SelectQueryBuilder<FollowUp>,
    actor: UserPrincipal,
    query: FollowUpQuery,
  ): void {
    if (query.clientId) qb.andWhere('f.client_id = :clientId', { clientId: query.clientId });
    if (query.status) qb.andWhere('f.status = :status', { status: query.status });
    if (query.view) qb.andWhere(`f.status IN ${OPEN}`);
    switch (query.view) {
      case 'mine':
        qb.andWhere('f.owner_id = :me', { me: actor.id });
        break;
      case 'due-today':
        qb.andWhere(`f.due_at >= date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'`);
        qb.andWhere(
          `f.due_at < (date_trunc('day', now() AT TIME ZONE 'UTC') + interval '1 day') AT TIME ZONE 'UTC'`,
        );
        break;
      case 'overdue':
        qb.andWhere('f.due_at < now()');
        break;
      case 'needs-assignment':
        qb.andWhere('f.owner_id IS NULL');
        break;
    }
  }

  /** The task when its client is in the caller's scope (404 otherwise); `lock` takes it FOR UPDATE. */
  async requireFollowUp(
    m: EntityManager,
    actor: UserPrincipal,
    id: string,
    lock = false,
  ): Promise<FollowUp> {
    const qb = this.scoped(m, actor).andWhere('f.id = :id', { id });
    if (lock) qb.setLock('pessimistic_write', undefined, ['f']);
    const f = await qb.getOne();
    if (!f) throw new NotFoundError('Follow-up');
    return f;
  }

  async attemptsOf(m: EntityManager, ids: string[]): Promise<Map<string, FollowUpAttempt[]>> {
    const byFollowUp = new Map<string, FollowUpAttempt[]>();
    if (ids.length === 0) return byFollowUp;
    const attempts = await m
      .createQueryBuilder(FollowUpAttempt, 'a')
      .where('a.follow_up_id IN (:...ids)', { ids })
      .orderBy('a.attempted_at', 'ASC')
      .addOrderBy('a.id', 'ASC')
      .getMany();
    for (const a of attempts)
      byFollowUp.set(a.followUpId, [...(byFollowUp.get(a.followUpId) ?? []), a]);
    return byFollowUp;
  }
}
