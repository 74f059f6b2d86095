import { Inject, Injectable, StreamableFile } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, SelectQueryBuilder } from 'typeorm';

import { auditEventScope } from '../../auth/access/scope.sql';
import { UserPrincipal } from '../../auth/principal';
import { csvAttachment, csvFileName, poolOf, streamRows, toCsv } from '../../common/csv/csv';
import { pageNewestFirst } from '../../common/dto/keyset';
import { Page, Pager } from '../../common/dto/pagination';
import { READ_REPLICA } from '../../database/read-replica';
import { AUDIT_EVENT_CSV_COLUMNS, AUDIT_EVENT_CSV_SELECT } from './audit-event.csv';
import { AuditEvent } from './audit-event.entity';
import { AuditSealerService } from './audit-sealer.service';
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

// Walks the organization's sealed chain in order and recomputes every link in the database, with
// the same function that sealed it. A changed, removed or reordered event breaks the first link after it;
// events removed from the end break no link, so the head is returned for the caller to keep elsewhere.
// The chain starts after the last retired month's anchor (audit_chain_anchor); with `from`/`to`
// only the events sealed in that window are walked, the first one linked to the event before it.
const VERIFY = `WITH retired AS (
    SELECT seq, hash FROM audit_chain_anchor WHERE organization_id = $1 ORDER BY seq DESC LIMIT 1),
  bounds AS (
    SELECT CASE WHEN $4::timestamptz IS NULL THEN f.first
        WHEN w.first_in_window IS NULL THEN NULL ELSE greatest(f.first, w.first_in_window) END AS lo,
      CASE WHEN $5::timestamptz IS NULL THEN NULL ELSE (SELECT max(seq) FROM audit_event
        WHERE organization_id = $1 AND seq IS NOT NULL AND occurred_at < $5) END AS hi
    FROM (SELECT coalesce((SELECT seq FROM retired), 0) + 1 AS first) f,
      (SELECT min(seq) AS first_in_window FROM audit_event
        WHERE organization_id = $1 AND seq IS NOT NULL AND occurred_at >= $4) w),
  start AS (
    SELECT b.lo, b.hi, CASE WHEN b.lo IS NULL OR b.lo = 1 THEN NULL
        WHEN b.lo - 1 = (SELECT seq FROM retired) THEN (SELECT hash FROM retired)
        ELSE (SELECT hash FROM audit_event WHERE organization_id = $1 AND seq = b.lo - 1) END AS hash
    FROM bounds b),
  chain AS (
    SELECT e.id, e.seq, e.hash, e.prev_hash,
      CASE WHEN lag(e.seq) OVER w IS NULL THEN s.hash ELSE lag(e.hash) OVER w END AS expected_prev,
      coalesce(lag(e.seq) OVER w, s.lo - 1) AS prev_seq,
      audit_event_digest(e, e.prev_hash) AS recomputed
    FROM audit_event e CROSS JOIN start s
    WHERE e.organization_id = $1 AND e.seq >= s.lo AND (s.hi IS NULL OR e.seq <= s.hi)
    WINDOW w AS (ORDER BY e.seq))
  SELECT (SELECT count(*)::int FROM chain) AS checked,
    (SELECT id FROM chain
      WHERE prev_hash IS DISTINCT FROM expected_prev OR hash <> recomputed OR seq <> prev_seq + 1
      ORDER BY seq LIMIT 1) AS first_broken_id,
    (SELECT seq::int FROM chain ORDER BY seq DESC LIMIT 1) AS head_seq,
    (SELECT encode(hash, 'hex') FROM chain ORDER BY seq DESC LIMIT 1) AS head_hash,
    CASE WHEN $2::bigint IS NULL THEN NULL
      ELSE EXISTS (SELECT 1 FROM audit_event WHERE organization_id = $1 AND seq = $2
        AND encode(hash, 'hex') = $3) END AS anchor_found`;

@Injectable()
export class AuditQueryService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    // The search and its export tolerate a little lag; verify seals first, so it reads the primary.
    @Inject(READ_REPLICA) private readonly replica: DataSource,
    private readonly sealer: AuditSealerService,
  ) {}

  /**
   * Admins read the organization; supervisors the events of their teams' members and their own,
   * never a co-supervisor's (`auditEventScope`).
   */
  async list(actor: UserPrincipal, query: AuditQuery): Promise<Page<AuditEventResponse>> {
    const pager = new Pager(query, { principal: actor, list: 'audit-events' });
    const rows = await pageNewestFirst(
      this.search(actor, query),
      'e',
      pager,
      'occurred_at',
    ).getMany();
    return pager.page(rows, (e) => ({ key: e.occurredAt.toISOString(), id: e.id }), toResponse);
  }

  /**
   * The whole search, newest first, as a streamed CSV (SPEC 10; the route lets only admins ask,
   * `Permission.AuditExport`). Like the JSON search, reading the trail adds no event to it.
   */
  async export(actor: UserPrincipal, query: AuditQuery): Promise<StreamableFile> {
    const [text, values] = this.search(actor, query)
      .select(AUDIT_EVENT_CSV_SELECT)
      .orderBy('e.occurred_at', 'DESC')
      .addOrderBy('e.id', 'DESC')
      .getQueryAndParameters();
    const rows = await streamRows(poolOf(this.replica), { text, values });
    return csvAttachment(
      csvFileName('audit-events', query.from, query.to),
      toCsv(AUDIT_EVENT_CSV_COLUMNS, rows),
    );
  }

  /** The caller's audit scope and the search's filters. */
  private search(actor: UserPrincipal, query: AuditQuery): SelectQueryBuilder<AuditEvent> {
    const scope = auditEventScope(actor, 'e');
    const qb = this.replica
      .getRepository(AuditEvent)
      .createQueryBuilder('e')
      .where(`(${scope.sql})`, scope.params);
    if (query.actorId) qb.andWhere('e.actor_id = :actorId', { actorId: query.actorId });
    if (query.clientId) {
      // A single-record event names the client in client_id, a list read in client_ids.
      qb.andWhere('(e.client_id = :clientId OR e.client_ids @> ARRAY[:clientId]::uuid[])', {
        clientId: query.clientId,
      });
    }
    if (query.action) qb.andWhere('e.action = :action', { action: query.action });
    if (query.outcome) qb.andWhere('e.outcome = :outcome', { outcome: query.outcome });
    if (query.from) qb.andWhere('e.occurred_at >= :from', { from: query.from });
    if (query.to) qb.andWhere('e.occurred_at < :to', { to: query.to });
    return qb;
  }

  /** Seals what is pending first, so every committed event is checked. */
  /** With an anchor (a head recorded earlier), a chain cut short before it is invalid too. */
  async verify(
    organizationId: string,
    anchor: AuditVerifyQuery = {},
  ): Promise<AuditVerifyResponse> {
    await this.sealer.sealOrganization(organizationId);
    const [row] = await this.dataSource.query(VERIFY, [
      organizationId,
      anchor.anchorSeq ?? null,
      anchor.anchorHash ?? null,
      anchor.from ?? null,
      anchor.to ?? null,
    ]);
    return {
      valid: row.first_broken_id === null && row.anchor_found !== false,
      checked: row.checked,
      firstBrokenId: row.first_broken_id,
      head: row.head_seq === null ? null : { seq: row.head_seq, hash: row.head_hash },
      anchorFound: row.anchor_found,
    };
  }
}
