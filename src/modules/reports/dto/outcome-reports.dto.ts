import { ApiProperty } from '@nestjs/swagger';
import { IsISO8601, Matches } from 'class-validator';

import { RESOURCE_CATEGORIES } from '../../resources/resource-categories';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The period of an outcome report: UTC days, both included. */
export class ReportPeriodQuery {
  @ApiProperty({ format: 'date', description: 'First day included (UTC)' })
  @IsISO8601({ strict: true }, { message: 'from must be a date (YYYY-MM-DD)' })
  @Matches(DATE, { message: 'from must be a date (YYYY-MM-DD)' })
  readonly from: string;

  @ApiProperty({ format: 'date', description: 'Last day included (UTC)' })
  @IsISO8601({ strict: true }, { message: 'to must be a date (YYYY-MM-DD)' })
  @Matches(DATE, { message: 'to must be a date (YYYY-MM-DD)' })
  readonly to: string;
}

class ReportPeriod {
  @ApiProperty({ format: 'date' })
  from: string;

  @ApiProperty({ format: 'date' })
  to: string;
}

/** Engagement over the period (definitions: docs/outcome-reports.md) */
export class EngagementReport extends ReportPeriod {
  /** Clients with at least one session in the period */
  clientsSeen: number;

  /** Sessions in the period */
  sessions: number;

  /** sessions / clientsSeen / (days in the period / 30.4375); null without sessions */
  @ApiProperty({ type: Number, nullable: true })
  sessionsPerClientPerMonth: number | null;

  /** Discharges in the period */
  discharges: number;

  /** Of those, discharges followed by a session on or after the discharge day */
  dischargesWithContact: number;

  /** Median of (first session day − discharge day) over dischargesWithContact; null without any */
  @ApiProperty({ type: Number, nullable: true })
  medianDaysDischargeToFirstContact: number | null;
}

/** BARC-10 change over the period (definitions: docs/outcome-reports.md) */
export class RecoveryCapitalReport extends ReportPeriod {
  /** The remission threshold used (total ≥ 47) */
  remissionThreshold: number;

  /** Clients with two or more assessments in the period, first and latest ≥ 60 days apart */
  clients: number;

  excludedOneAssessment: number;

  excludedUnder60Days: number;

  @ApiProperty({ type: Number, nullable: true })
  meanFirstTotal: number | null;

  @ApiProperty({ type: Number, nullable: true })
  meanLatestTotal: number | null;

  /** Mean of (latest − first) */
  @ApiProperty({ type: Number, nullable: true })
  meanChange: number | null;

  /** Clients whose latest total is above their first */
  improved: number;

  belowThresholdAtFirst: number;

  /** Below the threshold at first, at or above it at latest */
  crossedThreshold: number;

  /** crossedThreshold / belowThresholdAtFirst; null when none was below */
  @ApiProperty({ type: Number, nullable: true })
  shareCrossingThreshold: number | null;
}

export class ReferralCategoryItem {
  @ApiProperty({ enum: [...RESOURCE_CATEGORIES, 'all'] })
  need: string;

  /** Referrals sent in the period, a declined one that was re-sent counted once (as the re-send) */
  referrals: number;

  /** Of those, re-sends of a declined referral */
  resent: number;

  sent: number;
  accepted: number;
  declined: number;
  completed: number;
  notCompleted: number;

  /** completed / (completed + notCompleted + declined); null when none is closed */
  @ApiProperty({ type: Number, nullable: true })
  completionRate: number | null;
}

/** Referrals out by need category; the last item (`need: "all"`) totals them */
export class ReferralsReport extends ReportPeriod {
  items: ReferralCategoryItem[];
}

export class RetentionItem {
  /** Days after the first contact: 30, 90 or 180 */
  days: number;

  /** Cohort clients whose day N has passed */
  eligible: number;

  /** Of those, clients with a session on one of the 30 days ending on day N */
  active: number;

  /** active / eligible; null when none is eligible */
  @ApiProperty({ type: Number, nullable: true })
  rate: number | null;
}

/** Retention of the clients whose first session ever fell in the period */
export class RetentionReport extends ReportPeriod {
  cohort: number;

  items: RetentionItem[];
}
