import { dashboardSpecialists } from '../../auth/access/scope.sql';
import { OPEN_STATUSES } from '../follow-ups/follow-up-status';

import { planReviewOverdue } from '../relapse-prevention/relapse-prevention.queries';
import { EFFECTIVE_CAP_SQL } from '../specialists/specialist.queries';

// Specialists a supervisor ($2) supervises; NULL $2 (an admin) means the whole organization ($1).
const IN_SCOPE = dashboardSpecialists('u', '$1', '$2');

// Open follow-ups: the predicate of the partial indexes follow_up_client_due_idx / follow_up_owner_due_idx.
const OPEN = `(${OPEN_STATUSES.map((st) => `'${st}'`).join(', ')})`;

const TODAY = `(now() AT TIME ZONE 'UTC')::date`;

/**
 * One row per specialist of `spec` (a CTE of app_user rows): every count comes from a LATERAL
 * subquery on an index led by the specialist (client by primary specialist, follow_up by owner,
 * session_note by author), so the cost grows with the caseloads shown, not with the data stored.
 */
const SUMMARY_COLUMNS = `s.id AS "specialistId", s.first_name AS "firstName", s.last_name AS "lastName", s.active,
    ${EFFECTIVE_CAP_SQL} AS "caseloadCap",
    cl.active_clients AS "activeClients", cl.no_contact AS "noContact14Days",
    od.overdue AS "overdueFollowUps",
    rate.completed AS "followUpsCompleted90Days", rate.due AS "followUpsDue90Days",
    notes.unsigned AS "unsignedNotesOver72Hours", notes.awaiting_review AS "notesAwaitingReview",
    cl.past_review AS "plansPastReview", cl.relapse_review AS "relapsePlansNotReviewed90Days",
    cert.credential AS "credential", cert.expires_on::text AS "certificationExpiresOn",
    CASE WHEN cert.expires_on IS NULL THEN 'none' WHEN cert.expires_on < ${TODAY} THEN 'expired'
      WHEN cert.expires_on <= ${TODAY} + 60 THEN 'expiring' ELSE 'active' END AS "certificationStatus"`;

// A plan is past review when its client's active plan (recovery_plan_active_review_idx) is due.
const PAST_REVIEW = `EXISTS (SELECT 1 FROM recovery_plan rp
    WHERE rp.client_id = c.id AND rp.status = 'active' AND rp.review_due_at < ${TODAY})`;

// A relapse-prevention plan not gone over with the client in 90 days (a probe of its unique index).
const RELAPSE_REVIEW = planReviewOverdue('c');

// One pass over the specialist's open clients gives all three client counts; the plan check is a
// probe per client of a small partial index, not a join the planner may turn into a scan.
const SUMMARY_JOINS = `JOIN organization o ON o.id = $1
  LEFT JOIN specialist_profile p ON p.user_id = s.id
  CROSS JOIN LATERAL (SELECT count(*)::int AS active_clients,
      count(*) FILTER (WHERE c.last_contact_at IS NULL OR c.last_contact_at < now() - interval '14 days')::int AS no_contact,
      count(*) FILTER (WHERE ${PAST_REVIEW})::int AS past_review,
      count(*) FILTER (WHERE ${RELAPSE_REVIEW})::int AS relapse_review
    FROM client c WHERE c.primary_specialist_id = s.id AND c.status <> 'closed' AND c.deleted_at IS NULL) cl
  CROSS JOIN LATERAL (SELECT count(*)::int AS overdue FROM follow_up f
    WHERE f.owner_id = s.id AND f.status IN ${OPEN} AND f.due_at < now()) od
  CROSS JOIN LATERAL (SELECT count(*) FILTER (WHERE f.status = 'completed')::int AS completed,
      count(*) FILTER (WHERE f.status NOT IN ('cancelled', 'on-hold'))::int AS due
    FROM follow_up f WHERE f.owner_id = s.id AND f.due_at < now() AND f.due_at >= now() - interval '90 days') rate
  CROSS JOIN LATERAL (SELECT count(*) FILTER (WHERE n.status = 'draft' AND n.started_at < now() - interval '72 hours')::int AS unsigned,
      count(*) FILTER (WHERE n.status = 'signed')::int AS awaiting_review
    FROM session_note n WHERE n.author_id = s.id AND n.status IN ('draft', 'signed')) notes
  LEFT JOIN LATERAL (SELECT sc.credential, sc.expires_on FROM specialist_certification sc
    WHERE sc.user_id = s.id ORDER BY sc.expires_on DESC LIMIT 1) cert ON true`;

/** $1 org, $2 supervisor or NULL, $3/$4/$5 keyset (last name, first name, id) or NULLs, $6 limit. */
export const CASELOAD_SUMMARY = `WITH s AS (
    SELECT u.id, u.first_name, u.last_name, u.active FROM app_user u
    WHERE ${IN_SCOPE} AND u.active
      AND ($3::text IS NULL OR (u.last_name, u.first_name, u.id) > ($3, $4, $5::uuid))
    ORDER BY u.last_name, u.first_name, u.id LIMIT $6
  )
  SELECT ${SUMMARY_COLUMNS}
  FROM s ${SUMMARY_JOINS}
  ORDER BY s.last_name, s.first_name, s.id`;

/**
 * $1 org, $2 supervisor or NULL, $3 specialist. The scope check and the drill-down in one
 * statement: no row means out of scope (404). Each client brings its next open follow-up.
 */
export const CASELOAD_DETAIL = `WITH s AS (
    SELECT u.id, u.first_name, u.last_name, u.active FROM app_user u WHERE u.id = $3 AND ${IN_SCOPE}
  )
  SELECT ${SUMMARY_COLUMNS},
    coalesce((SELECT json_agg(x ORDER BY x."lastName", x."firstName", x.id) FROM (
      SELECT c.id, c.first_name AS "firstName", c.last_name AS "lastName", c.preferred_name AS "preferredName",
        c.status, c.needs_reassignment AS "needsReassignment", c.last_contact_at AS "lastContactAt",
        ${RELAPSE_REVIEW} AS "relapsePlanReviewOverdue",
        (SELECT min(f.due_at) FROM follow_up f
          WHERE f.client_id = c.id AND f.status IN ${OPEN}) AS "nextFollowUpDueAt",
        (SELECT count(*)::int FROM follow_up f
          WHERE f.client_id = c.id AND f.status IN ${OPEN} AND f.due_at < now()) AS "overdueFollowUps"
      FROM client c
      WHERE c.primary_specialist_id = s.id AND c.status <> 'closed' AND c.deleted_at IS NULL) x), '[]') AS clients
  FROM s ${SUMMARY_JOINS}`;
