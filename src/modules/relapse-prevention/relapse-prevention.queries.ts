import { PLAN_REVIEW_DAYS } from './relapse-plan-content';

const TODAY = `(now() AT TIME ZONE 'UTC')::date`;
// A plan never reviewed is due 90 days after it was written.
const DUE = `(coalesce(p.last_reviewed_on, (p.created_at AT TIME ZONE 'UTC')::date) + ${PLAN_REVIEW_DAYS})`;

/** The plan row's columns, dates as text (YYYY-MM-DD), review due date and overdue flag. */
export const PLAN_COLUMNS = `p.id, p.client_id AS "clientId", p.version,
  p.last_reviewed_on::text AS "lastReviewedOn", p.last_reviewed_by_id AS "lastReviewedById",
  ${DUE}::text AS "reviewDueOn", ${DUE} < ${TODAY} AS "reviewOverdue",
  p.created_by_id AS "createdById", p.updated_by_id AS "updatedById",
  p.created_at AS "createdAt", p.updated_at AS "updatedAt"`;

/**
 * A plan is overdue for review on a supervisor's dashboard when it was last gone over with the
 * client (or, never reviewed, written) more than 90 days ago. `alias` is the client row.
 */
export const planReviewOverdue = (alias: string): string =>
  `EXISTS (SELECT 1 FROM relapse_prevention_plan p WHERE p.client_id = ${alias}.id AND ${DUE} < ${TODAY})`;

/** $1 org, $2 client, $3 actor, $4 review date or NULL. The first version; nothing on conflict. */
export const INSERT_PLAN = `INSERT INTO relapse_prevention_plan AS p (organization_id, client_id, version,
    last_reviewed_on, last_reviewed_by_id, created_by_id, updated_by_id)
  VALUES ($1, $2, 1, $4::date, CASE WHEN $4::date IS NULL THEN NULL ELSE $3::uuid END, $3, $3)
  ON CONFLICT ON CONSTRAINT relapse_prevention_plan_client_uq DO NOTHING
  RETURNING ${PLAN_COLUMNS}`;

/**
 * $1 org, $2 client, $3 actor, $4 review date or NULL, $5 expected version. The conditional
 * write: 0 rows when another change got there first (412). A review dated before the last one
 * keeps the later one as the plan's last review.
 */
export const UPDATE_PLAN = `UPDATE relapse_prevention_plan p SET version = p.version + 1,
    updated_by_id = $3, updated_at = now(),
    last_reviewed_by_id = CASE WHEN $4::date IS NOT NULL AND (p.last_reviewed_on IS NULL OR $4::date >= p.last_reviewed_on)
      THEN $3::uuid ELSE p.last_reviewed_by_id END,
    last_reviewed_on = CASE WHEN $4::date IS NOT NULL AND (p.last_reviewed_on IS NULL OR $4::date >= p.last_reviewed_on)
      THEN $4::date ELSE p.last_reviewed_on END
  WHERE p.organization_id = $1 AND p.client_id = $2 AND p.version = $5
  RETURNING ${PLAN_COLUMNS}`;

/** $1 plan, $2 version, $3 content, $4 author, $5 review date or NULL. */
export const INSERT_VERSION = `INSERT INTO relapse_prevention_plan_version (plan_id, version, content, author_id,
    reviewed_on, reviewed_by_id)
  VALUES ($1, $2, $3, $4, $5::date, CASE WHEN $5::date IS NULL THEN NULL ELSE $4::uuid END)
  RETURNING created_at AS "createdAt"`;

/** $1 org, $2 client: the plan with its current version's content. */
export const CURRENT_PLAN = `SELECT ${PLAN_COLUMNS}, v.content FROM relapse_prevention_plan p
  JOIN relapse_prevention_plan_version v ON v.plan_id = p.id AND v.version = p.version
  WHERE p.organization_id = $1 AND p.client_id = $2`;

const VERSION_COLUMNS = `v.plan_id AS "planId", p.client_id AS "clientId", v.version, v.content,
  v.author_id AS "authorId", v.reviewed_on::text AS "reviewedOn", v.reviewed_by_id AS "reviewedById",
  v.created_at AS "createdAt"`;

/** $1 org, $2 client, $3 version below which to list (NULL: from the newest), $4 limit. */
export const LIST_VERSIONS = `SELECT ${VERSION_COLUMNS} FROM relapse_prevention_plan p
  JOIN relapse_prevention_plan_version v ON v.plan_id = p.id
  WHERE p.organization_id = $1 AND p.client_id = $2 AND ($3::int IS NULL OR v.version < $3::int)
  ORDER BY v.version DESC LIMIT $4`;

/** $1 org, $2 client, $3 version. */
export const ONE_VERSION = `SELECT ${VERSION_COLUMNS} FROM relapse_prevention_plan p
  JOIN relapse_prevention_plan_version v ON v.plan_id = p.id
  WHERE p.organization_id = $1 AND p.client_id = $2 AND v.version = $3`;

/** $1 client: the pointer a risk-flagged note carries. */
export const PLAN_POINTER = `SELECT p.id, p.version, p.last_reviewed_on::text AS "lastReviewedOn",
  ${DUE}::text AS "reviewDueOn", ${DUE} < ${TODAY} AS "reviewOverdue"
  FROM relapse_prevention_plan p WHERE p.client_id = $1`;
