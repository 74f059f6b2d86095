import { Role } from '../permissions';
import { Principal, UserPrincipal } from '../principal';
import { DataCategory, mayDisclose } from './consent.sql';

/**
 * Record scope as SQL, in one place (SPEC 2 and 9). Features compose these fragments and never
 * spell a `team_member` join or a coverage window themselves: a rule changed here changes every
 * reader (lists, reads, dashboards, filters, alert recipients) at once.
 *
 * A fragment takes the SQL expressions it binds to (a column such as `u.id`, a positional `$2` or
 * a named `:scopeUserId`), so one rule serves prepared statements, query builders and correlated
 * subqueries alike, and each caller's statement keeps its own shape (and plan). Values are never
 * spliced in: the arguments are SQL expressions written by the caller, not input.
 */

/** A predicate with the named parameters it uses (TypeORM `:name` style). */
export interface ScopeSql {
  sql: string;
  params: Record<string, unknown>;
}

/** Ids of the specialists who are members of the teams `supervisor` supervises. */
export const supervisedSpecialistIds = (supervisor: string): string =>
  `SELECT m.user_id FROM team_member m
  JOIN team_member s ON s.team_id = m.team_id AND s.membership = 'supervisor'
  WHERE s.user_id = ${supervisor} AND m.membership = 'member'`;

/** True when `supervisor` supervises a team that `specialist` is a member of. */
export const supervises = (supervisor: string, specialist: string): string =>
  `EXISTS (SELECT 1 FROM team_member m
    JOIN team_member s ON s.team_id = m.team_id AND s.membership = 'supervisor'
    WHERE m.user_id = ${specialist} AND m.membership = 'member' AND s.user_id = ${supervisor})`;

/** A coverage row `v` in force now: started, not ended, not revoked ('' for unqualified columns). */
export const coverageInForce = (v: string): string => {
  const p = v ? `${v}.` : '';
  return `${p}revoked_at IS NULL AND ${p}starts_at <= now() AND ${p}ends_at > now()`;
};

/** True when `specialist` covers the client `client` now. */
export const covers = (specialist: string, client: string): string =>
  `EXISTS (SELECT 1 FROM client_coverage cv
  WHERE cv.client_id = ${client} AND cv.specialist_id = ${specialist} AND ${coverageInForce('cv')})`;

/**
 * The specialists a caseload dashboard shows (app_user alias `u`): the peer specialists of the
 * organization `org`; for a supervisor (`supervisor`, an expression that is NULL for an admin)
 * only those on the teams they supervise.
 */
export const dashboardSpecialists = (u: string, org: string, supervisor: string): string =>
  `${u}.organization_id = ${org} AND ${u}.role = 'peer_specialist'
  AND (${supervisor}::uuid IS NULL OR ${supervises(supervisor, `${u}.id`)})`;

/** The `supervisor` argument of `dashboardSpecialists` for a caller: NULL (all) for an admin. */
export const dashboardSupervisor = (principal: UserPrincipal): string | null =>
  principal.role === Role.Admin ? null : principal.id;

/**
 * The specialist `u` (app_user alias, of organization `org`) is visible to `viewer` (expressions
 * for their id, role and whether the specialist themself counts): an admin, the specialist
 * themself when `selfAllowed`, or a supervisor of one of their teams.
 */
export const specialistVisible = (
  u: string,
  org: string,
  viewer: { id: string; role: string; selfAllowed: string },
): string =>
  `${u}.organization_id = ${org} AND (
    ${viewer.role} = 'admin'
    OR (${viewer.selfAllowed} AND ${u}.id = ${viewer.id})
    OR (${viewer.role} = 'supervisor' AND ${supervises(viewer.id, `${u}.id`)}))`;

/** A user `u` of organization `org` who is an active supervisor by their current role. */
export const activeSupervisor = (u: string, org: string): string =>
  `${u}.organization_id = ${org} AND ${u}.role = 'supervisor' AND ${u}.active`;

/**
 * Alert recipients (crisis flags, escalations, scans): the supervisors of the teams the
 * specialists `m.user_id ${members}` are members of (`members` is e.g. `= $2` or `IN (...)`),
 * chosen by current role and active status, not by membership alone (a supervisor since demoted
 * or deactivated is told nothing), optionally never `except` (the author of a note).
 */
export const teamSupervisorIds = (opts: {
  members: string;
  org: string;
  except?: string;
}): string =>
  `SELECT DISTINCT su.id FROM team_member m
  JOIN team_member s ON s.team_id = m.team_id AND s.membership = 'supervisor'
  JOIN app_user su ON su.id = s.user_id AND ${activeSupervisor('su', opts.org)}
  WHERE m.membership = 'member' AND m.user_id ${opts.members}${opts.except ? ` AND su.id <> ${opts.except}` : ''}`;

/** The organization's active supervisors: whose queue "needs assignment" is. */
export const organizationSupervisorIds = (org: string): string =>
  `SELECT u.id FROM app_user u WHERE ${activeSupervisor('u', org)}`;

/** The organization's active admins: who hears that a failing webhook was disabled. */
export const organizationAdminIds = (org: string): string =>
  `SELECT u.id FROM app_user u WHERE u.organization_id = ${org} AND u.role = 'admin' AND u.active`;

/**
 * The clients (alias `alias`) a principal may see (SPEC 2):
 * - a peer specialist: their caseload (primary) and clients under coverage in force;
 * - a supervisor: clients of the specialists on the teams they supervise, and unassigned clients
 *   of the organization (the "needs assignment" queue they work);
 * - an admin: the organization's clients (narratives are withheld by the features, not here);
 * - an API client: the clients of its organization under a consent in force that names it and
 *   covers its purpose and one of `categories` (42 CFR Part 2: no consent, no client; see
 *   `./consent.sql`). Without `categories` (a route that names no data category): none.
 */
export function clientScope(
  principal: Principal,
  alias = 'c',
  categories: readonly DataCategory[] = [],
): ScopeSql {
  const params = { scopeOrgId: principal.organizationId, scopeUserId: principal.id };
  const org = `${alias}.organization_id = :scopeOrgId AND ${alias}.deleted_at IS NULL`;
  if (principal.kind === 'api_client') {
    if (categories.length === 0) return { sql: 'false', params };
    return {
      sql: `${org} AND ${mayDisclose(':scopeUserId', `${alias}.id`, 'ARRAY[:...scopeCategories]')}`,
      params: { ...params, scopeCategories: [...categories] },
    };
  }
  switch (principal.role) {
    case Role.Admin:
      return { sql: org, params };
    case Role.Supervisor:
      return {
        sql: `${org} AND (${alias}.primary_specialist_id IN (${supervisedSpecialistIds(':scopeUserId')}) OR ${alias}.primary_specialist_id IS NULL)`,
        params,
      };
    case Role.PeerSpecialist:
      return {
        sql: `${org} AND (${alias}.primary_specialist_id = :scopeUserId OR ${covers(':scopeUserId', `${alias}.id`)})`,
        params,
      };
  }
}

/**
 * The audit events (alias `alias`) a principal may list (SPEC 9): an admin, the organization's;
 * a supervisor, "their teams": the events of the specialists who are members of the teams they
 * supervise, and their own. Not a co-supervisor's (another supervisor of the same team is no
 * one they supervise), nor an admin's. Anyone else: none (the route refuses them anyway).
 */
export function auditEventScope(principal: Principal, alias = 'e'): ScopeSql {
  const params = { scopeOrgId: principal.organizationId, scopeUserId: principal.id };
  const org = `${alias}.organization_id = :scopeOrgId`;
  if (principal.kind === 'api_client') return { sql: 'false', params };
  switch (principal.role) {
    case Role.Admin:
      return { sql: org, params };
    case Role.Supervisor:
      return {
        sql: `${org} AND (${alias}.actor_id = :scopeUserId OR ${alias}.actor_id IN (${supervisedSpecialistIds(':scopeUserId')}))`,
        params,
      };
    case Role.PeerSpecialist:
      return { sql: 'false', params };
  }
}

/** The notes (alias `n`) in a supervisor's review queue: those written by the specialists they supervise. */
export const reviewableBy = (n: string, supervisor: string): string =>
  `${n}.author_id IN (${supervisedSpecialistIds(supervisor)})`;

/**
 * The group sessions (alias `alias`) a principal may see (SPEC 6): those they facilitated or
 * recorded, and those with an attendee in their client scope. Which attendees a reader is shown
 * is the client scope again (`clientScope`), applied to the attendee rows. An admin reads no
 * clinical narrative (participation entries), so sees none; nor does an API client.
 */
export function groupSessionScope(principal: Principal, alias = 'g'): ScopeSql {
  const attendees = clientScope(principal, 'gsc');
  const params = attendees.params;
  if (principal.kind === 'api_client' || principal.role === Role.Admin) {
    return { sql: 'false', params };
  }
  return {
    sql: `${alias}.organization_id = :scopeOrgId AND (${alias}.facilitator_id = :scopeUserId
      OR ${alias}.created_by_id = :scopeUserId
      OR EXISTS (SELECT 1 FROM group_session_attendee gsa JOIN client gsc ON gsc.id = gsa.client_id
        WHERE gsa.group_session_id = ${alias}.id AND ${attendees.sql}))`,
    params,
  };
}
