import { Injectable, StreamableFile } from '@nestjs/common';

import { AccessService } from '../../auth/access.service';
import { UserPrincipal } from '../../auth/principal';
import { csvAttachment, CsvColumn, csvFileName, toCsv, wantsCsv } from '../../common/csv/csv';
import { ValidationError } from '../../common/errors/domain-error';
import { BARC10_REMISSION_THRESHOLD } from '../assessments/barc10';
import { AuditService } from '../audit/audit.service';
import {
  EngagementReport,
  RecoveryCapitalReport,
  ReferralCategoryItem,
  ReferralsReport,
  ReportPeriodQuery,
  RetentionItem,
  RetentionReport,
} from './dto/outcome-reports.dto';
import { ENGAGEMENT, RECOVERY_CAPITAL, REFERRALS, RETENTION } from './outcome-reports.queries';
import { ReportRepository, Statement } from './report.repository';

type Row = Record<string, unknown>;

/**
 * `work_mem` of a report's statement (SET LOCAL, its transaction only): grouping a year's
 * sessions by client (85,000 groups) or sorting 150,000 assessments spills to disk at the
 * default 4 MB.
 */
const REPORT_WORK_MEM_MB = 64;
type Figures<T> = Omit<T, 'from' | 'to'>;

interface Report {
  /** The audit action and the CSV file's base name. */
  name: string;
  sql: (scope: string) => string;
  /** The CSV columns after `from` and `to`, in order: the SQL row's own names. */
  columns: string[];
}

const ENGAGEMENT_REPORT: Report = {
  name: 'engagement',
  sql: ENGAGEMENT,
  columns: [
    'clientsSeen',
    'sessions',
    'sessionsPerClientPerMonth',
    'discharges',
    'dischargesWithContact',
    'medianDaysDischargeToFirstContact',
  ],
};
const RECOVERY_CAPITAL_REPORT: Report = {
  name: 'recovery-capital',
  sql: RECOVERY_CAPITAL,
  columns: [
    'clients',
    'excludedOneAssessment',
    'excludedUnder60Days',
    'meanFirstTotal',
    'meanLatestTotal',
    'meanChange',
    'improved',
    'belowThresholdAtFirst',
    'crossedThreshold',
    'shareCrossingThreshold',
  ],
};
const REFERRALS_REPORT: Report = {
  name: 'referrals',
  sql: REFERRALS,
  columns: [
    'need',
    'referrals',
    'resent',
    'sent',
    'accepted',
    'declined',
    'completed',
    'notCompleted',
    'completionRate',
  ],
};
const RETENTION_REPORT: Report = {
  name: 'retention',
  sql: RETENTION,
  columns: ['days', 'cohort', 'eligible', 'active', 'rate'],
};

/** The CSV columns of a report: the period, then the SQL row's figures. */
function reportColumns(report: Report, query: ReportPeriodQuery): CsvColumn<Row>[] {
  return [
    { header: 'from', value: () => query.from },
    { header: 'to', value: () => query.to },
    ...report.columns.map((name) => ({ header: name, value: (r: Row) => r[name] })),
  ];
}

// The header rows of the exports, for the OpenAPI document.
const ANY_PERIOD = { from: '', to: '' };
export const OUTCOME_CSV_COLUMNS = {
  engagement: reportColumns(ENGAGEMENT_REPORT, ANY_PERIOD),
  recoveryCapital: reportColumns(RECOVERY_CAPITAL_REPORT, ANY_PERIOD),
  referrals: reportColumns(REFERRALS_REPORT, ANY_PERIOD),
  retention: reportColumns(RETENTION_REPORT, ANY_PERIOD),
};

/**
 * Outcome reports for funders (issue 16): each is one SQL statement over the caller's clients
 * (the client scope fragment, as the follow-up rates), answered as JSON or, with
 * `Accept: text/csv`, streamed as CSV from the same statement. Every read is audited (ids only).
 */
@Injectable()
export class OutcomeReportsService {
  constructor(
    private readonly reports: ReportRepository,
    private readonly access: AccessService,
    private readonly audit: AuditService,
  ) {}

  async engagement(
    actor: UserPrincipal,
    query: ReportPeriodQuery,
    accept?: string,
  ): Promise<EngagementReport | StreamableFile> {
    if (wantsCsv(accept)) return this.csv(actor, ENGAGEMENT_REPORT, query);
    const [row] = await this.rows<Figures<EngagementReport>>(actor, ENGAGEMENT_REPORT, query);
    return { from: query.from, to: query.to, ...pick(row, ENGAGEMENT_REPORT) };
  }

  async recoveryCapital(
    actor: UserPrincipal,
    query: ReportPeriodQuery,
    accept?: string,
  ): Promise<RecoveryCapitalReport | StreamableFile> {
    if (wantsCsv(accept)) return this.csv(actor, RECOVERY_CAPITAL_REPORT, query);
    const [row] = await this.rows<Omit<Figures<RecoveryCapitalReport>, 'remissionThreshold'>>(
      actor,
      RECOVERY_CAPITAL_REPORT,
      query,
    );
    return {
      from: query.from,
      to: query.to,
      remissionThreshold: BARC10_REMISSION_THRESHOLD,
      ...pick(row, RECOVERY_CAPITAL_REPORT),
    };
  }

  async referrals(
    actor: UserPrincipal,
    query: ReportPeriodQuery,
    accept?: string,
  ): Promise<ReferralsReport | StreamableFile> {
    if (wantsCsv(accept)) return this.csv(actor, REFERRALS_REPORT, query);
    const rows = await this.rows<ReferralCategoryItem>(actor, REFERRALS_REPORT, query);
    return { from: query.from, to: query.to, items: rows.map((r) => pick(r, REFERRALS_REPORT)) };
  }

  async retention(
    actor: UserPrincipal,
    query: ReportPeriodQuery,
    accept?: string,
  ): Promise<RetentionReport | StreamableFile> {
    if (wantsCsv(accept)) return this.csv(actor, RETENTION_REPORT, query);
    const rows = await this.rows<RetentionItem & { cohort: number }>(
      actor,
      RETENTION_REPORT,
      query,
    );
    return {
      from: query.from,
      to: query.to,
      cohort: rows[0]?.cohort ?? 0,
      items: rows.map((r) => ({
        days: r.days,
        eligible: r.eligible,
        active: r.active,
        rate: r.rate,
      })),
    };
  }

  private async rows<T>(
    actor: UserPrincipal,
    report: Report,
    query: ReportPeriodQuery,
  ): Promise<T[]> {
    const rows = await this.reports.rows<T>(
      this.statement(actor, report, query),
      REPORT_WORK_MEM_MB,
    );
    await this.audit.recordNow(actor, { action: `report.${report.name}`, resourceType: 'Report' });
    return rows;
  }

  // The export's audit event commits, in the export's snapshot, before the first byte is sent.
  private async csv(
    actor: UserPrincipal,
    report: Report,
    query: ReportPeriodQuery,
  ): Promise<StreamableFile> {
    const rows = await this.reports.stream(
      this.statement(actor, report, query),
      REPORT_WORK_MEM_MB,
      (m) =>
        this.audit.record(m, actor, { action: `report.${report.name}`, resourceType: 'Report' }),
    );
    const name = csvFileName(report.name, query.from, query.to);
    return csvAttachment(name, toCsv(reportColumns(report, query), rows));
  }

  private statement(actor: UserPrincipal, report: Report, query: ReportPeriodQuery): Statement {
    if (query.from > query.to)
      throw new ValidationError([{ field: 'to', message: 'to must not be before from' }]);
    const scope = this.access.clientPredicate(actor, 'c');
    return this.reports.bind(report.sql(scope.sql), {
      ...scope.params,
      from: query.from,
      to: query.to,
    });
  }
}

// Whitelists the report's figures from its SQL row.
function pick<T>(row: T, report: Report): T {
  const r = row as Row;
  return Object.fromEntries(report.columns.map((c) => [c, r[c] ?? null])) as T;
}
