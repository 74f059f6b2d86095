import { Readable } from 'node:stream';

import { Injectable, StreamableFile } from '@nestjs/common';

import { AccessService } from '../../auth/access.service';
import { UserPrincipal } from '../../auth/principal';
import { csvAttachment, csvFileName, toCsv } from '../../common/csv/csv';
import { ValidationError } from '../../common/errors/domain-error';
import { AuditService } from '../audit/audit.service';
import { LEVELS_OF_CARE, LevelOfCare } from '../discharges/cadence';
import {
  FollowUpRateItem,
  FollowUpRatesQuery,
  FollowUpRatesResponse,
} from './dto/follow-up-rates.dto';
import { FOLLOW_UP_RATES_CSV_COLUMNS } from './follow-up-rates.csv';
import { ReportRepository } from './report.repository';

// A contact is a contact follow-up completed with the client reached (on the day of its linked
// session note when it has one, else the day it was completed; "declined" is no contact), or a signed session note of a real contact (an
// outreach attempt or collateral contact is not one). Dates are UTC days. HEDIS day rules: after
// withdrawal management, inpatient or residential care (FUI) the discharge date itself does not
// count; after an ED visit (FUA) it does.
const RATES = (scope: string): string => `
  WITH d AS (
    SELECT d.id, d.client_id, d.level_of_care, (d.discharged_at AT TIME ZONE 'UTC')::date AS day,
      CASE WHEN d.level_of_care IN ('withdrawal_management', 'inpatient', 'residential') THEN 1 ELSE 0 END AS first_day
    FROM discharge d JOIN client c ON c.id = d.client_id
    WHERE ${scope}
      AND d.discharged_at >= (:from::date)::timestamp AT TIME ZONE 'UTC'
      AND d.discharged_at < ((:to::date) + 1)::timestamp AT TIME ZONE 'UTC'
  ), contact AS (
    SELECT f.client_id, (coalesce(ln.started_at, f.completed_at) AT TIME ZONE 'UTC')::date AS day
    FROM follow_up f LEFT JOIN session_note ln ON ln.id = f.session_note_id
    WHERE f.status = 'completed' AND f.kind = 'contact' AND f.outcome = 'reached'
      AND f.client_id IN (SELECT client_id FROM d)
    UNION ALL
    SELECT n.client_id, (n.started_at AT TIME ZONE 'UTC')::date FROM session_note n
    WHERE n.status <> 'draft' AND n.contact_type IN ('in_person', 'phone', 'video', 'text')
      AND n.client_id IN (SELECT client_id FROM d)
  ), hit AS (
    SELECT d.level_of_care,
      EXISTS (SELECT 1 FROM contact x WHERE x.client_id = d.client_id
        AND x.day BETWEEN d.day + d.first_day AND d.day + 7) AS w7,
      EXISTS (SELECT 1 FROM contact x WHERE x.client_id = d.client_id
        AND x.day BETWEEN d.day + d.first_day AND d.day + 30) AS w30
    FROM d
  )
  SELECT level_of_care, count(*)::int AS discharges, count(*) FILTER (WHERE w7)::int AS within7,
    count(*) FILTER (WHERE w30)::int AS within30
  FROM hit GROUP BY level_of_care`;

interface RateRow {
  level_of_care: LevelOfCare;
  discharges: number;
  within7: number;
  within30: number;
}

/** 7- and 30-day follow-up rates per level of care, over the caller's clients. */
@Injectable()
export class FollowUpRatesService {
  constructor(
    private readonly reports: ReportRepository,
    private readonly access: AccessService,
    private readonly audit: AuditService,
  ) {}

  async rates(actor: UserPrincipal, query: FollowUpRatesQuery): Promise<FollowUpRatesResponse> {
    if (query.from > query.to)
      throw new ValidationError([{ field: 'to', message: 'to must not be before from' }]);
    const scope = this.access.clientPredicate(actor, 'c');
    const rows = await this.reports.rows<RateRow>(
      this.reports.bind(RATES(scope.sql), { ...scope.params, from: query.from, to: query.to }),
    );
    await this.audit.recordNow(actor, { action: 'report.follow-up-rates', resourceType: 'Report' });
    const byLevel = new Map(rows.map((r) => [r.level_of_care, r]));
    return {
      from: query.from,
      to: query.to,
      basis: 'operational',
      items: LEVELS_OF_CARE.map((l) => toItem(l, byLevel.get(l))),
    };
  }

  /**
   * The report as CSV (SPEC 10): the same figures and audit event as the JSON read, one line per
   * level of care. One aggregate of a handful of rows: computed, then streamed.
   */
  async export(actor: UserPrincipal, query: FollowUpRatesQuery): Promise<StreamableFile> {
    const report = await this.rates(actor, query);
    const rows = report.items.map((item) => ({
      from: report.from,
      to: report.to,
      basis: report.basis,
      ...item,
    }));
    return csvAttachment(
      csvFileName('follow-up-rates', report.from, report.to),
      toCsv(FOLLOW_UP_RATES_CSV_COLUMNS, Readable.from(rows)),
    );
  }
}

function toItem(levelOfCare: LevelOfCare, row: RateRow | undefined): FollowUpRateItem {
  const discharges = row?.discharges ?? 0;
  const rate = (n: number): number | null =>
    discharges === 0 ? null : Math.round((n / discharges) * 10_000) / 10_000;
  return {
    levelOfCare,
    discharges,
    within7Days: row?.within7 ?? 0,
    within30Days: row?.within30 ?? 0,
    rate7: rate(row?.within7 ?? 0),
    rate30: rate(row?.within30 ?? 0),
  };
}
