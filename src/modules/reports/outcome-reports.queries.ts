import { BARC10_REMISSION_THRESHOLD } from '../assessments/barc10';
import { RESOURCE_CATEGORIES } from '../resources/resource-categories';

/**
 * The outcome reports (issue 16, SPEC 10a), one SQL statement each. `scope` is the caller's client
 * predicate on alias `c` (AccessService.clientPredicate); `:from`/`:to` are UTC dates, both
 * included. The definitions of every figure are in docs/outcome-reports.md.
 */

// A session: a signed (or reviewed) note of a real contact; drafts, outreach attempts and
// collateral contacts are not sessions (the same rule as the follow-up rates' contacts).
const SESSION = (n: string): string =>
  `${n}.status IN ('signed', 'reviewed') AND ${n}.contact_type IN ('in_person', 'phone', 'video', 'text')`;
const DAY = (instant: string): string => `(${instant} AT TIME ZONE 'UTC')::date`;
const START = (day: string): string => `((${day})::timestamp AT TIME ZONE 'UTC')`;
const FROM = START(':from::date');
const AFTER_TO = START('(:to::date + 1)');
const TODAY = `(now() AT TIME ZONE 'UTC')::date`;
const RATE = (part: string, whole: string): string =>
  `round((${part})::numeric / nullif(${whole}, 0), 4)::float8`;
const NEEDS = `ARRAY[${RESOURCE_CATEGORIES.map((c) => `'${c}'`).join(', ')}]::text[]`;

/**
 * Clients seen, sessions per client per month, days from discharge to first contact. The period's
 * sessions are grouped by client before the scope's join (85,000 groups rather than 850,000 rows
 * probing the client hash, for a year of the bench's organization).
 */
export const ENGAGEMENT = (scope: string): string => `
  WITH s AS (
    SELECT g.client_id, g.sessions
    FROM (SELECT n.client_id, count(*)::int AS sessions FROM session_note n
      WHERE n.organization_id = :scopeOrgId AND ${SESSION('n')}
        AND n.started_at >= ${FROM} AND n.started_at < ${AFTER_TO}
      GROUP BY n.client_id) g
    JOIN client c ON c.id = g.client_id
    WHERE ${scope}
  ), d AS (
    SELECT ${DAY(`(SELECT min(x.started_at) FROM session_note x
        WHERE x.client_id = d.client_id AND ${SESSION('x')}
          AND x.started_at >= ${START(DAY('d.discharged_at'))})`)} - ${DAY('d.discharged_at')} AS days
    FROM discharge d JOIN client c ON c.id = d.client_id
    WHERE ${scope} AND d.organization_id = :scopeOrgId
      AND d.discharged_at >= ${FROM} AND d.discharged_at < ${AFTER_TO}
  )
  SELECT (SELECT count(*)::int FROM s) AS "clientsSeen",
    (SELECT coalesce(sum(sessions), 0)::int FROM s) AS sessions,
    (SELECT round(sum(sessions)::numeric / count(*) / ((:to::date - :from::date + 1) / 30.4375), 2)::float8 FROM s)
      AS "sessionsPerClientPerMonth",
    (SELECT count(*)::int FROM d) AS discharges,
    (SELECT count(days)::int FROM d) AS "dischargesWithContact",
    (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY days)::float8 FROM d WHERE days IS NOT NULL)
      AS "medianDaysDischargeToFirstContact"`;

/** BARC-10 first and latest per client within the period, for clients assessed 60+ days apart. */
export const RECOVERY_CAPITAL = (scope: string): string => `
  WITH a AS (
    SELECT a.client_id, a.total, ${DAY('a.administered_at')} AS day,
      row_number() OVER (PARTITION BY a.client_id ORDER BY a.administered_at, a.id) AS from_first,
      row_number() OVER (PARTITION BY a.client_id ORDER BY a.administered_at DESC, a.id DESC) AS from_last
    FROM assessment a JOIN client c ON c.id = a.client_id
    WHERE ${scope} AND a.organization_id = :scopeOrgId AND a.instrument = 'BARC-10'
      AND a.administered_at >= ${FROM} AND a.administered_at < ${AFTER_TO}
  ), pc AS (
    SELECT client_id, count(*) AS assessments,
      max(total) FILTER (WHERE from_first = 1) AS first_total, max(day) FILTER (WHERE from_first = 1) AS first_day,
      max(total) FILTER (WHERE from_last = 1) AS latest_total, max(day) FILTER (WHERE from_last = 1) AS latest_day
    FROM a GROUP BY client_id
  ), e AS (
    SELECT *, assessments >= 2 AND latest_day - first_day >= 60 AS included FROM pc
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
 * once day N has passed (before today, UTC). The first day and the three "active" flags depend on
 * the client's sessions only, not on the period: `client_retention` keeps them per client, written
 * by a trigger on the notes in the note's transaction (migration 1764000014200).
 */
export const RETENTION = (scope: string): string => `
  WITH t AS (
    SELECT count(*)::int AS cohort,
      count(*) FILTER (WHERE r.first_day + 30 < ${TODAY})::int AS e30,
      count(*) FILTER (WHERE r.first_day + 30 < ${TODAY} AND r.active_30)::int AS a30,
      count(*) FILTER (WHERE r.first_day + 90 < ${TODAY})::int AS e90,
      count(*) FILTER (WHERE r.first_day + 90 < ${TODAY} AND r.active_90)::int AS a90,
      count(*) FILTER (WHERE r.first_day + 180 < ${TODAY})::int AS e180,
      count(*) FILTER (WHERE r.first_day + 180 < ${TODAY} AND r.active_180)::int AS a180
    FROM client_retention r JOIN client c ON c.id = r.client_id
    WHERE ${scope} AND r.first_day >= :from::date AND r.first_day <= :to::date
  )
  SELECT m.days, t.cohort, m.eligible, m.active, ${RATE('m.active', 'm.eligible')} AS rate
  FROM t CROSS JOIN LATERAL (VALUES (30, t.e30, t.a30), (90, t.e90, t.a90), (180, t.e180, t.a180))
    m(days, eligible, active)
  ORDER BY m.days`;
