import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

import { organizationSupervisorIds, teamSupervisorIds } from '../../auth/access/scope.sql';

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
 * The scheduled scans' data access: each scan is one set-based INSERT of notifications over every
 * organization (insertNotifications), giving how many were new. `kind` is the notifications'
 * kind (a constant of NotificationKind, never input).
 */
@Injectable()
export class ScheduledScanRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  insertCertificationReminders(now: Date, kind: string, thresholds: number[]): Promise<number> {
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
        kind,
      ),
      [now, thresholds, Math.max(...thresholds)],
    );
  }

  insertPlanReviewReminders(now: Date, kind: string, leadDays: number): Promise<number> {
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
        kind,
      ),
      [now, leadDays],
    );
  }

  insertMilestoneNotices(
    now: Date,
    kind: string,
    milestones: readonly (readonly [string, string])[],
    windowDays: number,
  ): Promise<number> {
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
        kind,
      ),
      [now, milestones.map(([code]) => code), milestones.map(([, span]) => span), windowDays],
    );
  }

  insertNoContactAlerts(now: Date, kind: string, days: number): Promise<number> {
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
        kind,
      ),
      [now, days],
    );
  }

  insertConsentReminders(now: Date, kind: string, thresholds: number[]): Promise<number> {
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
        kind,
      ),
      [now, thresholds, Math.max(...thresholds)],
    );
  }

  private async run(sql: string, params: unknown[]): Promise<number> {
    const rows: unknown[] = await this.dataSource.query(sql, params);
    return rows.length;
  }
}
