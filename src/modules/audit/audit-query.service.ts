import { Injectable, StreamableFile } from '@nestjs/common';

import { UserPrincipal } from '../../auth/principal';
import { csvAttachment, csvFileName, toCsv } from '../../common/csv/csv';
import { Page, Pager } from '../../common/dto/pagination';
import { AUDIT_EVENT_CSV_COLUMNS } from './audit-event.csv';
import { AuditEvent } from './audit-event.entity';
import { AuditSealerService } from './audit-sealer.service';
import { AuditRepository } from './audit.repository';
import {
  AuditEventResponse,
  AuditQuery,
  AuditVerifyQuery,
  AuditVerifyResponse,
} from './dto/audit.dto';

const toResponse = (e: AuditEvent): AuditEventResponse => ({
  id: e.id,
  occurredAt: e.occurredAt.toISOString(),
  actorId: e.actorId,
  actorRole: e.actorRole,
  action: e.action,
  clientId: e.clientId,
  clientIds: e.clientIds,
  resourceType: e.resourceType,
  resourceId: e.resourceId,
  outcome: e.outcome,
  correlationId: e.correlationId,
});

@Injectable()
export class AuditQueryService {
  constructor(
    private readonly repo: AuditRepository,
    private readonly sealer: AuditSealerService,
  ) {}

  /**
   * Admins read the organization; supervisors the events of their teams' members and their own,
   * never a co-supervisor's (`auditEventScope`).
   */
  async list(actor: UserPrincipal, query: AuditQuery): Promise<Page<AuditEventResponse>> {
    const pager = new Pager(query, { principal: actor, list: 'audit-events' });
    const rows = await this.repo.findPage(actor, query, pager);
    return pager.page(rows, (e) => ({ key: e.occurredAt.toISOString(), id: e.id }), toResponse);
  }

  /**
   * The whole search, newest first, as a streamed CSV (SPEC 10; the route lets only admins ask,
   * `Permission.AuditExport`). Like the JSON search, reading the trail adds no event to it.
   */
  async export(actor: UserPrincipal, query: AuditQuery): Promise<StreamableFile> {
    const rows = await this.repo.streamCsvRows(actor, query);
    return csvAttachment(
      csvFileName('audit-events', query.from, query.to),
      toCsv(AUDIT_EVENT_CSV_COLUMNS, rows),
    );
  }

  /** Seals what is pending first, so every committed event is checked. */
  /** With an anchor (a head recorded earlier), a chain cut short before it is invalid too. */
  async verify(
    organizationId: string,
    anchor: AuditVerifyQuery = {},
  ): Promise<AuditVerifyResponse> {
    await this.sealer.sealOrganization(organizationId);
    const row = await this.repo.checkChain(organizationId, {
      anchorSeq: anchor.anchorSeq ?? null,
      anchorHash: anchor.anchorHash ?? null,
      from: anchor.from ?? null,
      to: anchor.to ?? null,
    });
    return {
      valid: row.first_broken_id === null && row.anchor_found !== false,
      checked: row.checked,
      firstBrokenId: row.first_broken_id,
      head: row.head_seq === null ? null : { seq: row.head_seq, hash: row.head_hash },
      anchorFound: row.anchor_found,
    };
  }
}
