import { Injectable } from '@nestjs/common';

import { ScheduledScanRepository } from './scheduled-scan.repository';

/** Days before `expires_on` at which the specialist and their supervisors are reminded. */
export const CERTIFICATION_THRESHOLDS_DAYS = [60, 30, 7] as const;
/** A review due within this many days (or overdue) is announced. */
export const PLAN_REVIEW_LEAD_DAYS = 7;
/** Milestones since `recovery_start_date`, as Postgres intervals. */
export const RECOVERY_MILESTONES = [
  ['30-days', '30 days'],
  ['60-days', '60 days'],
  ['90-days', '90 days'],
  ['6-months', '6 months'],
  ['1-year', '1 year'],
] as const;
/** A milestone is celebrated only in the days right after it: never months late (new client, worker down). */
export const MILESTONE_WINDOW_DAYS = 7;
export const NO_CONTACT_DAYS = 14;
/** Days before a consent expires at which the client's specialist is reminded to renew it. */
export const CONSENT_THRESHOLDS_DAYS = [30, 7] as const;

export const NotificationKind = {
  CertificationExpiring: 'certification.expiring',
  PlanReviewDue: 'plan.review-due',
  ClientMilestone: 'client.milestone',
  ClientNoContact: 'client.no-contact',
  ConsentExpiring: 'consent.expiring',
} as const;

/**
 * The periodic scans of SPEC 7 ("other scheduled work"). Each is one set-based statement over
 * every organization, idempotent through notification dedupe keys; `data` holds ids, enums and
 * counts only (no names, no dates of a client). Each returns how many notifications were new.
 * `now` is injectable for tests; the jobs run them with the current instant.
 */
@Injectable()
export class ScheduledScansService {
  constructor(private readonly repo: ScheduledScanRepository) {}

  /**
   * 60, 30 and 7 days before a certification expires: the specialist and their team supervisors.
   * The threshold is the smallest one reached, so a certificate entered with 20 days left gets
   * the 30-day reminder only. A certification superseded by a later one of the same credential
   * (a renewal) is not announced. Dedupe: certification + threshold + expiry date.
   */
  certificationExpiry(now: Date = new Date()): Promise<number> {
    return this.repo.insertCertificationReminders(now, NotificationKind.CertificationExpiring, [
      ...CERTIFICATION_THRESHOLDS_DAYS,
    ]);
  }

  /**
   * An active plan whose review is due within 7 days or overdue: the client's primary specialist
   * (or the supervisors when unassigned). Dedupe: plan + review date, so a new review date
   * announces again.
   */
  planReviewDue(now: Date = new Date()): Promise<number> {
    return this.repo.insertPlanReviewReminders(
      now,
      NotificationKind.PlanReviewDue,
      PLAN_REVIEW_LEAD_DAYS,
    );
  }

  /**
   * 30, 60, 90 days, 6 months and 1 year since an active client's recovery start date, in the 7
   * days after the milestone: the primary specialist (nobody to celebrate with when unassigned).
   * Dedupe: client + milestone + start date, so a corrected start date celebrates again.
   */
  recoveryMilestones(now: Date = new Date()): Promise<number> {
    return this.repo.insertMilestoneNotices(
      now,
      NotificationKind.ClientMilestone,
      RECOVERY_MILESTONES,
      MILESTONE_WINDOW_DAYS,
    );
  }

  /**
   * An active client with no contact for 14 days (or never contacted, and created 14 days ago):
   * the primary specialist, or the supervisors when unassigned. Dedupe: client + the UTC day the
   * 14 days elapsed, so it fires once per lapse and again after a new contact lapses too.
   */
  noContact(now: Date = new Date()): Promise<number> {
    return this.repo.insertNoContactAlerts(now, NotificationKind.ClientNoContact, NO_CONTACT_DAYS);
  }

  /**
   * 30 and 7 days before an unrevoked consent expires: the client's primary specialist, or the
   * supervisors when unassigned, so that it is renewed before disclosures stop. The threshold is
   * the smallest one reached, so a consent recorded with 20 days left gets the 30-day reminder
   * at once and the 7-day one later. Dedupe: consent + threshold + expiry instant.
   */
  consentExpiry(now: Date = new Date()): Promise<number> {
    return this.repo.insertConsentReminders(now, NotificationKind.ConsentExpiring, [
      ...CONSENT_THRESHOLDS_DAYS,
    ]);
  }
}
