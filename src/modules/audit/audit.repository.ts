import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Readable } from 'node:stream';
import { DataSource, SelectQueryBuilder } from 'typeorm';

import { auditEventScope } from '../../auth/access/scope.sql';
import { UserPrincipal } from '../../auth/principal';
import { poolOf, streamRows } from '../../common/csv/csv';
import { pageNewestFirst } from '../../common/dto/keyset';
import { Pager } from '../../common/dto/pagination';
import { READ_REPLICA } from '../../database/read-replica';
import { AUDIT_EVENT_CSV_SELECT } from './audit-event.csv';
import { AuditEvent } from './audit-event.entity';
import { AuditQuery } from './dto/audit.dto';

/** The chain walk's answer (VERIFY). */
export interface ChainCheckRow {
  checked: number;
  first_broken_id: string | null;
  head_seq: number | null;
  /** Set whenever head_seq is. */
  head_hash: string;
  anchor_found: boolean | null;
}

/** What a chain walk checks against: an anchor recorded earlier, a window of time. */
export interface ChainCheckBounds {
  anchorSeq: number | null;
  anchorHash: string | null;
  from: string | null;
  to: string | null;
}

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

/**
 * The audit module's data access beyond recording (AuditService and UnitOfWork write the events):
 * the trail's search and export (on the read replica), the hash chain's sealing and verification,
 * and the monthly partitions.
 */
@Injectable()
export class AuditRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    // The search and its export tolerate a little lag; verify seals first, so it reads the primary.
    @Inject(READ_REPLICA) private readonly replica: DataSource,
  ) {}

  // --- The trail (read replica) ---

  /** A page of the caller's audit scope matching the filters, newest first. */
  findPage(actor: UserPrincipal, query: AuditQuery, pager: Pager): Promise<AuditEvent[]> {
    return pageNewestFirst(this.search(actor, query), 'e', pager, 'occurred_at').getMany();
  }

  /** Every event of the search, newest first, as the CSV's rows, streamed. */
  streamCsvRows(actor: UserPrincipal, query: AuditQuery): Promise<Readable> {
    const [text, values] = this.search(actor, query)
      .select(AUDIT_EVENT_CSV_SELECT)
      .orderBy('e.occurred_at', 'DESC')
      .addOrderBy('e.id', 'DESC')
      .getQueryAndParameters();
    return streamRows(poolOf(this.replica), { text, values });
  }

  /**
   * The caller's audit scope and the search's filters: admins read the organization; supervisors
   * the events of their teams' members and their own, never a co-supervisor's (`auditEventScope`).
   */
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

  // --- The hash chain (primary) ---

  /** Walks the organization's sealed chain (VERIFY). */
  async checkChain(organizationId: string, bounds: ChainCheckBounds): Promise<ChainCheckRow> {
    const [row] = await this.dataSource.query(VERIFY, [
      organizationId,
      bounds.anchorSeq,
      bounds.anchorHash,
      bounds.from,
      bounds.to,
    ]);
    return row;
  }

  /** Seals up to `batch` pending events of one organization; returns how many. */
  async sealPending(organizationId: string, batch: number): Promise<number> {
    const [{ sealed }] = await this.dataSource.query(`SELECT audit_event_seal($1, $2) AS sealed`, [
      organizationId,
      batch,
    ]);
    return sealed;
  }

  /** The organizations with events not sealed yet. */
  async organizationsWithPendingEvents(): Promise<string[]> {
    const orgs: { organization_id: string }[] = await this.dataSource.query(
      `SELECT DISTINCT organization_id FROM audit_event WHERE seq IS NULL`,
    );
    return orgs.map((o) => o.organization_id);
  }

  // --- The monthly partitions (primary) ---

  /** Creates the partitions of the coming `monthsAhead` months; returns how many were new. */
  async ensurePartitions(monthsAhead: number): Promise<number> {
    const [{ created }] = await this.dataSource.query(
      `SELECT audit_event_ensure_partitions($1) AS created`,
      [monthsAhead],
    );
    return created;
  }

  /** Drops the partitions wholly older than `retentionMonths`; returns how many. */
  async retirePartitions(retentionMonths: number): Promise<number> {
    const [{ retired }] = await this.dataSource.query(
      `SELECT audit_event_retire(make_interval(months => $1)) AS retired`,
      [retentionMonths],
    );
    return retired;
  }
}
