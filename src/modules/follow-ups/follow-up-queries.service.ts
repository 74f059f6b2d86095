import { Injectable, StreamableFile } from '@nestjs/common';
import { EntityManager } from 'typeorm';

import { AccessService } from '../../auth/access.service';
import { UserPrincipal } from '../../auth/principal';
import { csvAttachment, csvFileName, toCsv } from '../../common/csv/csv';
import { Page, Pager } from '../../common/dto/pagination';
import { NotFoundError } from '../../common/errors/domain-error';
import { AuditService } from '../audit/audit.service';
import { FollowUpQuery, FollowUpResponse } from './dto/follow-up.dto';
import { FollowUpAttempt } from './follow-up-attempt.entity';
import { FollowUp } from './follow-up.entity';
import { FOLLOW_UP_CSV_COLUMNS } from './follow-up.csv';
import { toFollowUpResponse } from './follow-up.mapper';
import { FollowUpRepository } from './follow-up.repository';

/** Reads of follow-up tasks, always through the caller's client scope (SPEC 2). */
@Injectable()
export class FollowUpQueriesService {
  constructor(
    private readonly repo: FollowUpRepository,
    private readonly access: AccessService,
    private readonly audit: AuditService,
  ) {}

  async list(actor: UserPrincipal, query: FollowUpQuery): Promise<Page<FollowUpResponse>> {
    const pager = new Pager(query, { principal: actor, list: 'follow-ups' });
    // Filtering on a client outside the caller's scope is a 404, as reading it would be.
    if (query.clientId) await this.access.requireClient(actor, query.clientId);
    const rows = await this.repo.pageInScope(actor, query, pager.after, query.limit + 1);
    const attempts = await this.attemptsOf(
      this.repo.manager,
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
    const rows = await this.repo.streamInScope(actor, query, (m, clients) =>
      this.audit.recordReadsOf(
        m,
        actor,
        { action: 'follow-up.list', resourceType: 'FollowUp' },
        clients,
      ),
    );
    const today = new Date().toISOString().slice(0, 10);
    return csvAttachment(
      csvFileName('follow-ups', query.view, query.status, today),
      toCsv(FOLLOW_UP_CSV_COLUMNS, rows),
    );
  }

  async get(actor: UserPrincipal, id: string): Promise<FollowUpResponse> {
    const f = await this.requireFollowUp(this.repo.manager, actor, id);
    const attempts = await this.attemptsOf(this.repo.manager, [id]);
    await this.audit.recordNow(actor, {
      action: 'follow-up.read',
      clientId: f.clientId,
      resourceType: 'FollowUp',
      resourceId: id,
    });
    return toFollowUpResponse(f, attempts.get(id));
  }

  /** The task when its client is in the caller's scope (404 otherwise); `lock` takes it FOR UPDATE. */
  async requireFollowUp(
    m: EntityManager,
    actor: UserPrincipal,
    id: string,
    lock = false,
  ): Promise<FollowUp> {
    const f = await this.repo.findInScope(m, actor, id, lock);
    if (!f) throw new NotFoundError('Follow-up');
    return f;
  }

  async attemptsOf(m: EntityManager, ids: string[]): Promise<Map<string, FollowUpAttempt[]>> {
    const byFollowUp = new Map<string, FollowUpAttempt[]>();
    if (ids.length === 0) return byFollowUp;
    for (const a of await this.repo.attemptsOf(m, ids))
      byFollowUp.set(a.followUpId, [...(byFollowUp.get(a.followUpId) ?? []), a]);
    return byFollowUp;
  }
}
