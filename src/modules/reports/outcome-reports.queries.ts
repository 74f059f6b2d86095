import { BARC10_REMISSION_THRESHOLD } from '../assessments/barc10';
import { RESOURCE_CATEGORIES } from '../resources/resource-categories';

/**
 * The outcome reports (issue 16, SPEC 10a), one SQL statement each. `scope` is the caller's client
 * predicate on alias `c` (AccessService.clientPredicate); `:from`/`:to` are UTC dates, both
 * included. The definitions of every figure are in docs/outcome-reports.md.
 */

// A session: a signed (or reviewed) note of a real contact; drafts, outreach attempts and
// collateral contacts are not sessions (the same rule as the follow-up rates' contacts). The
// reports read sessions through `client_session_days`, kept by a trigger on the notes that applies
// this rule (migration 1764000014210).
const DAY = (instant: string): string => `(${instant} AT TIME ZONE 'UTC')::date`;
const START = (day: string): string => `((${day})::timestamp AT TIME ZONE 'UTC')`;
const FROM = START(':from::date');
const AFTER_TO = START('(:to::date + 1)');
const TODAY = `(now() AT TIME ZONE 'UTC')::date`;
const RATE = (part: string, whole: string): string =>
  `round((${part})::numeric / nullif(${whole}, 0), 4)::float8`;
const NEEDS = `ARRAY[${RESOURCE_CATEGORIES.map((c) => `'${c}'`).join(', ')}]::text[]`;

/**
 * Clients seen, sessions per client per month, days from discharge to first contact, from
 * `client_session_days` (migration 1764000014210): per client, the UTC days of their sessions,
 * sorted, kept by a trigger on the notes. `width_bucket(day, days)` is the number of the client's
 * sessions on or before `day` (a binary search), so a client's sessions in the period are two
 * searches, and a discharge's first contact is the day after the sessions before the discharge
 * day: one small row per client and per discharge instead of the period's sessions. A note's
 * organization is its client's (the API writes both from the caller, whose scope holds the
 * client), so the scope's organization is the sessions' too.
 */
export const ENGAGEMENT = (scope: string): string => `
  SELECT s."clientsSeen", s.sessions, s."sessionsPerClientPerMonth",
    d.discharges, d."dischargesWithContact", d."medianDaysDischargeToFirstContact"
  FROM (
    SELECT count(*) FILTER (WHERE s.sessions > 0)::int AS "clientsSeen",
      coalesce(sum(s.sessions), 0)::int AS sessions,
      round(sum(s.sessions)::numeric / nullif(count(*) FILTER (WHERE s.sessions > 0), 0)
        / ((:to::date - :from::date + 1) / 30.4375), 2)::float8 AS "sessionsPerClientPerMonth"
    FROM (
      SELECT width_bucket(:to::date, t.days) - width_bucket(:from::date - 1, t.days) AS sessions
      FROM client_session_days t JOIN client c ON c.id = t.client_id
      WHERE ${scope}
    ) s
  ) s CROSS JOIN (
    SELECT count(*)::int AS discharges, count(d.days)::int AS "dischargesWithContact",
      percentile_cont(0.5) WITHIN GROUP (ORDER BY d.days) FILTER (WHERE d.days IS NOT NULL)::float8
        AS "medianDaysDischargeToFirstContact"
    FROM (
      SELECT t.days[width_bucket(${DAY('d.discharged_at')} - 1, t.days) + 1] - ${DAY('d.discharged_at')} AS days
      FROM discharge d JOIN client c ON c.id = d.client_id
        LEFT JOIN client_session_days t ON t.client_id = d.client_id
      WHERE ${scope} AND d.organization_id = :scopeOrgId
        AND d.discharged_at >= ${FROM} AND d.discharged_at < ${AFTER_TO}
    ) d
  ) d`;

/**
 * BARC-10 first and latest per client within the period, for clients assessed 60+ days apart.
 * One window over the period's assessments in the order of index `assessment_barc10_report_idx`
 * (per client, by time then id; migration 1764000014220): no sort.
 */
export const RECOVERY_CAPITAL = (scope: string): string => `
  WITH pc AS (
    SELECT a.client_id, row_number() OVER w AS nth, count(*) OVER w AS assessments,
      first_value(a.total) OVER w AS first_total, first_value(a.administered_at) OVER w AS first_at,
      last_value(a.total) OVER w AS latest_total, last_value(a.administered_at) OVER w AS latest_at
    FROM assessment a
    WHERE a.organization_id = :scopeOrgId AND a.instrument = 'BARC-10'
      AND a.administered_at >= ${FROM} AND a.administered_at < ${AFTER_TO}
    WINDOW w AS (PARTITION BY a.client_id ORDER BY a.administered_at, a.id
      ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
  ), e AS (
    SELECT pc.assessments, pc.first_total, pc.latest_total,
      pc.assessments >= 2 AND ${DAY('pc.latest_at')} - ${DAY('pc.first_at')} >= 60 AS included
    FROM pc JOIN client c ON c.id = pc.client_id
    WHERE pc.nth = 1 AND ${scope}
  )
  SELECT count(*) FILTER (WHERE included)::int AS clients,
    count(*) FILTER (WHERE assessments = 1)::int AS "excludedOneAssessment",
    count(*) FILTER (WHERE assessments >= 2 AND NOT included)::int AS "excludedUnder60Days",
    round(avg(first_total) FILTER (WHERE included), 2)::float8 AS "meanFirstTotal",
    round(avg(latest_total) FILTER (WHERE included), 2)::float8 AS "meanLatestTotal",
    round(avg(latest_total - first_total) FILTER (WHERE included), 2)::float8 AS "meanChange",
    count(*) FILTER (WHERE included AND latest_total > first_total)::int AS improved,
    count(*) FILTER (WHERE included AND first_total < ${BARC10_REMISSION_THRESHOLD})::int AS "belowThresholdAtFirst",
    count(*) FILTER (WHERE included AND first_total < ${BARC10_REMISSION_THRESHOLD}
      AND latest_total >= ${BARC10_REMISSION_THRESHOLD})::int AS "crossedThreshold",
    ${RATE(
      `count(*) FILTER (WHERE included AND first_total < ${BARC10_REMISSION_THRESHOLD} AND latest_total >= ${BARC10_REMISSION_THRESHOLD})`,
      `count(*) FILTER (WHERE included AND first_total < ${BARC10_REMISSION_THRESHOLD})`,
    )} AS "shareCrossingThreshold"
  FROM e`;

/**
 * Referrals out per need category: a referral that was declined and re-sent counts once, as its
 * re-send (the referral no later referral was re-sent from), dated by when that was sent.
 */
export const REFERRALS = (scope: string): string => `
  WITH r AS (
    SELECT r.need, r.status, r.resent_from_id
    FROM referral_out r JOIN client c ON c.id = r.client_id
    WHERE ${scope} AND r.organization_id = :scopeOrgId
      AND r.sent_at >= ${FROM} AND r.sent_at < ${AFTER_TO}
      AND NOT EXISTS (SELECT 1 FROM referral_out later WHERE later.resent_from_id = r.id)
  )
  SELECT coalesce(k.need, 'all') AS need, count(r.need)::int AS referrals,
    count(*) FILTER (WHERE r.resent_from_id IS NOT NULL)::int AS resent,
    count(*) FILTER (WHERE r.status = 'sent')::int AS sent,
    count(*) FILTER (WHERE r.status = 'accepted')::int AS accepted,
    count(*) FILTER (WHERE r.status = 'declined')::int AS declined,
    count(*) FILTER (WHERE r.status = 'completed')::int AS completed,
    count(*) FILTER (WHERE r.status = 'not-completed')::int AS "notCompleted",
    ${RATE(
      `count(*) FILTER (WHERE r.status = 'completed')`,
      `count(*) FILTER (WHERE r.status IN ('completed', 'not-completed', 'declined'))`,
    )} AS "completionRate"
  FROM unnest(${NEEDS}) WITH ORDINALITY k(need, ord) LEFT JOIN r ON r.need = k.need
  GROUP BY GROUPING SETS ((k.need, k.ord), ())
  ORDER BY k.ord NULLS LAST`;

/**
 * Retention of the clients whose first session ever fell in the period: active at day N (30, 90,
 * 180) after it means a session on one of the 30 days ending on day N; a client counts for N only
 * once day N has passed (before today, UTC). From `client_session_days` (see ENGAGEMENT): the
 * first session's day is the first of the client's sorted days, and the sessions of the 30 days
 * ending on day N are `width_bucket(first + N) − width_bucket(first + N − 30)`. The cohort is a
 * FILTER of the aggregates, not a WHERE: the planner has no statistics of `days[1]`, and a WHERE on
 * it, estimated at a few rows, made it probe the clients' primary key once per cohort client.
 */
const IN_COHORT = `r.first_day >= :from::date AND r.first_day <= :to::date`;
const ELIGIBLE = (n: number): string => `${IN_COHORT} AND r.first_day + ${n} < ${TODAY}`;
const ACTIVE = (n: number): string =>
  `width_bucket(r.first_day + ${n}, r.days) > width_bucket(r.first_day + ${n - 30}, r.days)`;
export const RETENTION = (scope: string): string => `
  WITH t AS (
    SELECT count(*) FILTER (WHERE ${IN_COHORT})::int AS cohort,
      count(*) FILTER (WHERE ${ELIGIBLE(30)})::int AS e30,
      count(*) FILTER (WHERE ${ELIGIBLE(30)} AND ${ACTIVE(30)})::int AS a30,
      count(*) FILTER (WHERE ${ELIGIBLE(90)})::int AS e90,
      count(*) FILTER (WHERE ${ELIGIBLE(90)} AND ${ACTIVE(90)})::int AS a90,
      count(*) FILTER (WHERE ${ELIGIBLE(180)})::int AS e180,
      count(*) FILTER (WHERE ${ELIGIBLE(180)} AND ${ACTIVE(180)})::int AS a180
    FROM (
      SELECT t.days[1] AS first_day, t.days
      FROM client_session_days t JOIN client c ON c.id = t.client_id
      WHERE ${scope}
    ) r
  )
  SELECT m.days, t.cohort, m.eligible, m.active, ${RATE('m.active', 'm.eligible')} AS rate
  FROM t CROSS JOIN LATERAL (VALUES (30, t.e30, t.a30), (90, t.e90, t.a90), (180, t.e180, t.a180))
    m(days, eligible, active)
  ORDER BY m.days`;
