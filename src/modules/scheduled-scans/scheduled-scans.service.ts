import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

import { organizationSupervisorIds, teamSupervisorIds } from '../../auth/access/scope.sql';

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

// Dates are days in UTC: organizations have no time zone setting yet.
const TODAY = `($1::timestamptz AT TIME ZONE 'UTC')::date`;

// The active supervisors of every team the user is a member of, by their current role: a
// supervisor since demoted is told nothing.
const TEAM_SUPERVISORS = (userCol: string, orgCol: string) =>
  teamSupervisorIds({ members: `= ${userCol}`, org: orgCol });

// A primary specialist who can still work the client: active, and not since made admin (who
// holds no caseload).
const CASELOAD_HOLDER = `sp.active AND sp.role <> 'admin'`;

// The client's primary specialist when active; otherwise (unassigned, or the specialist was
// deactivated) the organization's active supervisors, whose queue "needs assignment" is.
const OWNER_OR_SUPERVISORS = `
  SELECT d.specialist_id AS recipient_id WHERE d.specialist_id IS NOT NULL
  UNION
  ${organizationSupervisorIds('d.organization_id')} AND d.specialist_id IS NULL`;

/**
 * Inserts the `candidates` CTE's rows as notifications, once each: dedupe_key is unique, so a scan
 * run twice, or by two workers at once, inserts nothing the second time. The NOT EXISTS spares
 * the index the speculative inserts of rows notified long ago; ON CONFLICT settles the races.
 * `candidates` yields organization_id, recipient_id, resource_type, resource_id, client_id, data
 * and dedupe_key (without the recipient, appended here as notify() does).
 */
const insertNotifications = (ctes: string, kind: string) => `
  WITH ${ctes},
  rows AS (
    SELECT x.*, x.dedupe_key || '|' || x.recipient_id AS key FROM candidates x
  )
  INSERT INTO notification (organization_id, recipient_id, kind, resource_type, resource_id, client_id, data, dedupe_key)
  SELECT r.organization_id, r.recipient_id, '${kind}', r.resource_type, r.resource_id, r.client_id, r.data, r.key
  FROM rows r
  WHERE NOT EXISTS (SELECT 1 FROM notification n WHERE n.dedupe_key = r.key)
  ON CONFLICT ON CONSTRAINT notification_dedupe_uq DO NOTHING
  RETURNING id`;

/**
 * The periodic scans of SPEC 7 ("other scheduled work"). Each is one set-based statement over
 * every organization, idempotent through notification dedupe keys; `data` holds ids, enums and
 * counts only (no names, no dates of a client). Each returns how many notifications were new.
 * `now` is injectable for tests; the jobs run them with the current instant.
 */
@Injectable()
export class ScheduledScansService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * 60, 30 and 7 days before a certification expires: the specialist and their team supervisors.
   * The threshold is the smallest one reached, so a certificate entered with 20 days left gets
   * the 30-day reminder only. A certification superseded by a later one of the same credential
   * (a renewal) is not announced. Dedupe: certification + threshold + expiry date.
   */
  certificationExpiry(now: Date = new Date()): Promise<number> {
    const thresholds = [...CERTIFICATION_THRESHOLDS_DAYS];
    return this.run(
      insertNotifications(
        `due AS (
          SELECT c.id, c.organization_id, c.user_id, c.expires_on, (c.expires_on - ${TODAY}) AS days_left,
            (SELECT min(t) FROM unnest($2::int[]) t WHERE t >= c.expires_on - ${TODAY}) AS threshold
          FROM specialist_certification c
          JOIN app_user u ON u.id = c.user_id AND u.active
          WHERE c.expires_on BETWEEN ${TODAY} AND ${TODAY} + $3::int
            AND NOT EXISTS (SELECT 1 FROM specialist_certification r
              WHERE r.user_id = c.user_id AND r.credential = c.credential AND r.expires_on > c.expires_on)
        ),
        candidates AS (
          SELECT d.organization_id, rcp.recipient_id, 'SpecialistCertification' AS resource_type,
            d.id::text AS resource_id, NULL::uuid AS client_id,
            jsonb_build_object('specialistId', d.user_id, 'thresholdDays', d.threshold,
              'daysLeft', d.days_left, 'expiresOn', to_char(d.expires_on, 'YYYY-MM-DD')) AS data,
            'certification-expiring|' || d.id || '|' || d.threshold || '|' || to_char(d.expires_on, 'YYYY-MM-DD') AS dedupe_key
          FROM due d
          CROSS JOIN LATERAL (
            SELECT d.user_id AS recipient_id
            UNION ${TEAM_SUPERVISORS('d.user_id', 'd.organization_id')}
          ) rcp
        )`,
        NotificationKind.CertificationExpiring,
      ),
      [now, thresholds, Math.max(...thresholds)],
    );
  }

  /**
   * An active plan whose review is due within 7 days or overdue: the client's primary specialist
   * (or the supervisors when unassigned). Dedupe: plan + review date, so a new review date
   * announces again.
   */
  planReviewDue(now: Date = new Date()): Promise<number> {
    return this.run(
      insertNotifications(
        `due AS (
          SELECT p.id, p.organization_id, p.client_id, p.review_due_at, sp.id AS specialist_id,
            (p.review_due_at - ${TODAY}) AS days_until_due
          FROM recovery_plan p
          JOIN client c ON c.id = p.client_id AND c.deleted_at IS NULL AND c.status <> 'closed'
          LEFT JOIN app_user sp ON sp.id = c.primary_specialist_id AND ${CASELOAD_HOLDER}
          WHERE p.status = 'active' AND p.review_due_at <= ${TODAY} + $2::int
        ),
        candidates AS (
          SELECT d.organization_id, rcp.recipient_id, 'RecoveryPlan' AS resource_type,
            d.id::text AS resource_id, d.client_id,
            jsonb_build_object('planId', d.id, 'daysUntilDue', d.days_until_due,
              'overdue', d.days_until_due < 0) AS data,
            'plan-review-due|' || d.id || '|' || to_char(d.review_due_at, 'YYYY-MM-DD') AS dedupe_key
          FROM due d CROSS JOIN LATERAL (${OWNER_OR_SUPERVISORS}) rcp
        )`,
        NotificationKind.PlanReviewDue,
      ),
      [now, PLAN_REVIEW_LEAD_DAYS],
    );
  }

  /**
   * 30, 60, 90 days, 6 months and 1 year since an active client's recovery start date, in the 7
   * days after the milestone: the primary specialist (nobody to celebrate with when unassigned).
   * Dedupe: client + milestone + start date, so a corrected start date celebrates again.
   */
  recoveryMilestones(now: Date = new Date()): Promise<number> {
    return this.run(
      insertNotifications(
        `milestone AS (
          SELECT * FROM unnest($2::text[], $3::interval[]) AS m(code, span)
        ),
        candidates AS (
          SELECT c.organization_id, sp.id AS recipient_id, 'Client' AS resource_type,
            c.id::text AS resource_id, c.id AS client_id,
            jsonb_build_object('milestone', m.code) AS data,
            'client-milestone|' || c.id || '|' || m.code || '|' || to_char(c.recovery_start_date, 'YYYY-MM-DD') AS dedupe_key
          FROM client c
          JOIN app_user sp ON sp.id = c.primary_specialist_id AND ${CASELOAD_HOLDER}
          CROSS JOIN milestone m
          WHERE c.deleted_at IS NULL AND c.status = 'active'
            AND (c.recovery_start_date + m.span)::date BETWEEN ${TODAY} - ($4::int - 1) AND ${TODAY}
        )`,
        NotificationKind.ClientMilestone,
      ),
      [
        now,
        RECOVERY_MILESTONES.map(([code]) => code),
        RECOVERY_MILESTONES.map(([, span]) => span),
        MILESTONE_WINDOW_DAYS,
      ],
    );
  }

  /**
   * An active client with no contact for 14 days (or never contacted, and created 14 days ago):
   * the primary specialist, or the supervisors when unassigned. Dedupe: client + the UTC day the
   * 14 days elapsed, so it fires once per lapse and again after a new contact lapses too.
   */
  noContact(now: Date = new Date()): Promise<number> {
    return this.run(
      insertNotifications(
        `due AS (
          SELECT c.id, c.organization_id, sp.id AS specialist_id, c.last_contact_at IS NULL AS never_contacted,
            ((coalesce(c.last_contact_at, c.created_at) + make_interval(days => $2::int)) AT TIME ZONE 'UTC')::date AS lapsed_on
          FROM client c
          LEFT JOIN app_user sp ON sp.id = c.primary_specialist_id AND ${CASELOAD_HOLDER}
          WHERE c.deleted_at IS NULL AND c.status = 'active'
            AND coalesce(c.last_contact_at, c.created_at) <= $1::timestamptz - make_interval(days => $2::int)
        ),
        candidates AS (
          SELECT d.organization_id, rcp.recipient_id, 'Client' AS resource_type,
            d.id::text AS resource_id, d.id AS client_id,
            jsonb_build_object('thresholdDays', $2::int, 'neverContacted', d.never_contacted) AS data,
            'client-no-contact|' || d.id || '|' || to_char(d.lapsed_on, 'YYYY-MM-DD') AS dedupe_key
          FROM due d CROSS JOIN LATERAL (${OWNER_OR_SUPERVISORS}) rcp
        )`,
        NotificationKind.ClientNoContact,
      ),
      [now, NO_CONTACT_DAYS],
    );
  }

  /**
   * 30 and 7 days before an unrevoked consent expires: the client's primary specialist, or the
   * supervisors when unassigned, so that it is renewed before disclosures stop. The threshold is
   * the smallest one reached, so a consent recorded with 20 days left gets the 30-day reminder
   * at once and the 7-day one later. Dedupe: consent + threshold + expiry instant.
   */
  consentExpiry(now: Date = new Date()): Promise<number> {
    const thresholds = [...CONSENT_THRESHOLDS_DAYS];
    return this.run(
      insertNotifications(
        `due AS (
          SELECT k.id, k.organization_id, k.client_id, k.recipient_id, k.expires_at, sp.id AS specialist_id,
            ceil(extract(epoch FROM k.expires_at - $1::timestamptz) / 86400)::int AS days_left
          FROM consent k
          JOIN client c ON c.id = k.client_id AND c.deleted_at IS NULL AND c.status <> 'closed'
          LEFT JOIN app_user sp ON sp.id = c.primary_specialist_id AND ${CASELOAD_HOLDER}
          WHERE k.revoked_at IS NULL AND k.expires_at > $1::timestamptz
            AND k.expires_at <= $1::timestamptz + make_interval(days => $3::int)
        ),
        thresholded AS (
          SELECT d.*, (SELECT min(t) FROM unnest($2::int[]) t WHERE t >= d.days_left) AS threshold FROM due d
        ),
        candidates AS (
          SELECT d.organization_id, rcp.recipient_id, 'Consent' AS resource_type,
            d.id::text AS resource_id, d.client_id,
            jsonb_build_object('consentId', d.id, 'apiClientId', d.recipient_id,
              'thresholdDays', d.threshold, 'daysLeft', d.days_left) AS data,
            'consent-expiring|' || d.id || '|' || d.threshold || '|' || extract(epoch FROM d.expires_at)::bigint AS dedupe_key
          FROM thresholded d CROSS JOIN LATERAL (${OWNER_OR_SUPERVISORS}) rcp
        )`,
        NotificationKind.ConsentExpiring,
      ),
      [now, thresholds, Math.max(...thresholds)],
    );
  }

  private async run(sql: string, params: unknown[]): Promise<number> {
    const rows: unknown[] = await this.dataSource.query(sql, params);
    return rows.length;
  }
}
