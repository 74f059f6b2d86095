import { Injectable, StreamableFile } from '@nestjs/common';

import { dashboardSupervisor } from '../../auth/access/scope.sql';
import { UserPrincipal } from '../../auth/principal';
import { csvAttachment, csvFileName, toCsv } from '../../common/csv/csv';
import { PageQuery } from '../../common/dto/page.query';
import { InvalidCursorError, Page, Pager } from '../../common/dto/pagination';
import { NotFoundError } from '../../common/errors/domain-error';
import { AuditService } from '../audit/audit.service';
import { CASELOAD_CSV_COLUMNS } from './caseload.csv';
import { CaseloadRepository, SummaryAfter, SummaryRow } from './caseload.repository';
import {
  CaseloadClientResponse,
  CaseloadDetailResponse,
  CaseloadSummaryResponse,
} from './dto/caseload.response';

const iso = (s: string | null): string | null => (s ? new Date(s).toISOString() : null);

function toSummary(row: SummaryRow): CaseloadSummaryResponse {
  const { followUpsCompleted90Days, followUpsDue90Days, ...rest } = row;
  const rate =
    followUpsDue90Days === 0
      ? null
      : Math.round((followUpsCompleted90Days / followUpsDue90Days) * 1000) / 1000;
  return {
    specialistId: rest.specialistId,
    firstName: rest.firstName,
    lastName: rest.lastName,
    active: rest.active,
    activeClients: rest.activeClients,
    caseloadCap: rest.caseloadCap,
    noContact14Days: rest.noContact14Days,
    overdueFollowUps: rest.overdueFollowUps,
    followUpCompletionRate: rate,
    unsignedNotesOver72Hours: rest.unsignedNotesOver72Hours,
    notesAwaitingReview: rest.notesAwaitingReview,
    plansPastReview: rest.plansPastReview,
    relapsePlansNotReviewed90Days: rest.relapsePlansNotReviewed90Days,
    certificationStatus: rest.certificationStatus,
    credential: rest.credential,
    certificationExpiresOn: rest.certificationExpiresOn,
  };
}

const toClient = (c: CaseloadClientResponse): CaseloadClientResponse => ({
  id: c.id,
  firstName: c.firstName,
  lastName: c.lastName,
  preferredName: c.preferredName,
  status: c.status,
  needsReassignment: c.needsReassignment,
  lastContactAt: iso(c.lastContactAt),
  nextFollowUpDueAt: iso(c.nextFollowUpDueAt),
  overdueFollowUps: c.overdueFollowUps,
  relapsePlanReviewOverdue: c.relapsePlanReviewOverdue,
});

/** Supervision dashboards (SPEC section 10): each answer is one SQL statement plus its audit event. */
@Injectable()
export class CaseloadsService {
  constructor(
    // Dashboards read the replica when there is one (CaseloadRepository); audit events the primary.
    private readonly caseloads: CaseloadRepository,
    private readonly audit: AuditService,
  ) {}

  async list(actor: UserPrincipal, query: PageQuery): Promise<Page<CaseloadSummaryResponse>> {
    // The key is the specialist's names, checked here; the pager checks the signature.
    const pager = new Pager(query, { principal: actor, list: 'caseloads', key: 'text' });
    const after = this.afterName(pager);
    const rows = await this.caseloads.pageSummary(
      actor.organizationId,
      dashboardSupervisor(actor),
      after,
      query.limit + 1,
    );
    await this.audit.recordNow(actor, { action: 'caseload.list', resourceType: 'Caseload' });
    return pager.page(
      rows,
      (r) => ({ key: JSON.stringify([r.lastName, r.firstName]), id: r.specialistId }),
      toSummary,
    );
  }

  /**
   * The summary as a streamed CSV (SPEC 10): every specialist of the caller's dashboard, in the
   * JSON read's order and columns, audited as the JSON read is (one `caseload.list` event: the
   * summary holds counts, no client's data).
   */
  async export(actor: UserPrincipal): Promise<StreamableFile> {
    await this.audit.recordNow(actor, { action: 'caseload.list', resourceType: 'Caseload' });
    const rows = await this.caseloads.streamSummary(
      actor.organizationId,
      dashboardSupervisor(actor),
    );
    const today = new Date().toISOString().slice(0, 10);
    return csvAttachment(
      csvFileName('caseloads', today),
      toCsv(CASELOAD_CSV_COLUMNS, rows, toSummary),
    );
  }

  async get(actor: UserPrincipal, specialistId: string): Promise<CaseloadDetailResponse> {
    const row = await this.caseloads.findDetail(
      actor.organizationId,
      dashboardSupervisor(actor),
      specialistId,
    );
    const entry = { action: 'caseload.read', resourceType: 'Caseload', resourceId: specialistId };
    if (!row) {
      await this.audit.recordNow(actor, { ...entry, outcome: 'denied' });
      throw new NotFoundError('Specialist');
    }
    await this.audit.recordReads(
      actor,
      entry,
      row.clients.map((c) => c.id),
    );
    return { ...toSummary(row), clients: row.clients.map(toClient) };
  }

  private afterName(pager: Pager): SummaryAfter | undefined {
    const position = pager.after;
    if (!position) return undefined;
    const invalid = new InvalidCursorError();
    let names: unknown;
    try {
      names = JSON.parse(position.key);
    } catch {
      throw invalid;
    }
    if (!Array.isArray(names) || names.length !== 2 || !names.every((n) => typeof n === 'string'))
      throw invalid;
    return { lastName: names[0], firstName: names[1], id: position.id };
  }
}
