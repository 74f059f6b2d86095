/**
 * The authorization matrix (security review, issue 11): for every route the app serves, the
 * status each principal must get, per record relation. It states what SPEC.md requires; where
 * the code disagrees, the row keeps the SPEC answer and the suite fails there.
 *
 * Pending (issue 11, helper B): a role change ends the user's sessions. Until it does, the
 * `demotedSupervisor` and `promotedPeer` cells fail: the old token keeps the old role.
 *
 * Principals (test/helpers/authorization-fixtures.ts builds them):
 * - `admin` column: the org 1 admin and the admin of another organization;
 * - `supervisor` column: North's supervisor, South's supervisor, a supervisor of another org;
 * - `peer` column: North's peer (caseload N1) and South's peer (caseload S1);
 * - `coveringPeer`: a North peer with no caseload, covering N1 and N2 (active coverage);
 * - `apiClient`: one token per scope an API client can be granted (SPEC 12);
 * - `anonymous` (no token), `deactivated` (token issued before the admin deactivated the user),
 *   `demotedSupervisor` / `promotedPeer` (tokens issued before an admin changed their role: a
 *   role change ends the user's sessions, like a deactivation).
 *
 * Relations are relative to the principal: `own` = a record of the caller's caseload (peer) or
 * team (supervisor, admin: their organization); `teammate` = a record of another peer on the
 * same team; `otherTeam` = a record of another team of the same organization; `otherOrg` = a
 * record of another organization; `missing` = a random UUID. A route that names no record has one
 * status per principal.
 *
 * Order of checks (read from the code: global guards, then pipes, then services): 401 (token) ->
 * 403 (role or scope lacks the permission) -> 400/428 (body, params, If-Match) -> 404 (record out
 * of scope, identical to a missing one) -> 403 (in scope, but only the author or the author's
 * supervisor may) -> 409/412/422 (state). The suite sends valid bodies and current ETags, so
 * what it measures is authorization.
 */
import { API_SCOPES } from '../../src/auth/permissions';
import { Relation } from '../helpers/authorization-fixtures';

/**
 * A status per relation. Routes with a parent and a child id (coverage, consent, certification)
 * get one more cell, `crossed`: the caller's own parent with another team's child; it expects
 * what `missing` does.
 */
export type ByRelation = Record<Relation, number>;
/** A status for every relation (a number: the same for all, e.g. 403 before any lookup). */
export type Expect = number | ByRelation;

export interface MatrixRow {
  /** `METHOD path` exactly as the HTTP server registers it. */
  route: string;
  anonymous: Expect;
  deactivated: Expect;
  demotedSupervisor: Expect;
  promotedPeer: Expect;
  admin: Expect;
  supervisor: Expect;
  peer: Expect;
  coveringPeer: Expect;
  /** One status for every scope, or one per scope. */
  apiClient: Expect | Record<(typeof API_SCOPES)[number], Expect>;
}

// --- Relation presets -------------------------------------------------------------------------

/** Organization scope (admins): the whole organization, nothing of another. */
const org = (ok: number): ByRelation => ({
  own: ok,
  teammate: ok,
  otherTeam: ok,
  otherOrg: 404,
  missing: 404,
});
/** Team scope (supervisors): the clients of the teams they supervise. */
const team = (ok: number): ByRelation => ({
  own: ok,
  teammate: ok,
  otherTeam: 404,
  otherOrg: 404,
  missing: 404,
});
/** Caseload scope (peers): their own caseload (or themselves) only. */
const caseload = (ok: number): ByRelation => ({
  own: ok,
  teammate: 404,
  otherTeam: 404,
  otherOrg: 404,
  missing: 404,
});
/** Active coverage (the covering peer covers both North clients, N1 and N2). */
const covered = team;
/** Nothing of the kind is the caller's (a covering peer is not the covered peer). */
const none: ByRelation = { own: 404, teammate: 404, otherTeam: 404, otherOrg: 404, missing: 404 };
/** Personal records (notifications): the caller's own, whatever the role. */
const personal = caseload;
/** In the caller's scope, but only the author may (403); out of scope stays 404. */
const authorOnly: ByRelation = {
  own: 403,
  teammate: 403,
  otherTeam: 404,
  otherOrg: 404,
  missing: 404,
};

// --- Principal presets ------------------------------------------------------------------------

/** Every staff route: no token, a revoked session or a role changed since the token -> 401. */
const SIGNED_IN = {
  anonymous: 401,
  deactivated: 401,
  demotedSupervisor: 401,
  promotedPeer: 401,
} as const;
/** SPEC 12: "An API client never reaches the staff endpoints under /api/v1 (403)". */
const STAFF = { ...SIGNED_IN, apiClient: 403 } as const;
/** Public routes: the same answer for everyone, token or not. */
const everyone = (status: number) => ({
  anonymous: status,
  deactivated: status,
  demotedSupervisor: status,
  promotedPeer: status,
  admin: status,
  supervisor: status,
  peer: status,
  coveringPeer: status,
  apiClient: status,
});
/** Admin-only routes. */
const adminOnly = (ok: Expect) => ({
  ...STAFF,
  admin: ok,
  supervisor: 403,
  peer: 403,
  coveringPeer: 403,
});
/** Clinical records of a client: the people who work with the client; admins never (minimum necessary). */
const clinical = (ok: number) => ({
  ...STAFF,
  admin: 403,
  supervisor: team(ok),
  peer: caseload(ok),
  coveringPeer: covered(ok),
});
/** Client records that are not narratives: admins read the organization's. */
const clientRead = (ok: number) => ({
  ...STAFF,
  admin: org(ok),
  supervisor: team(ok),
  peer: caseload(ok),
  coveringPeer: covered(ok),
});
/** Caseload assignment: supervisors only (SPEC 2, function scope). */
const supervisorOnly = (ok: number) => ({
  ...STAFF,
  admin: 403,
  supervisor: team(ok),
  peer: 403,
  coveringPeer: 403,
});
/** Directory curation (issue 16): admins and supervisors, organization-wide. */
const curators = (ok: Expect) => ({
  ...STAFF,
  admin: ok,
  supervisor: ok,
  peer: 403,
  coveringPeer: 403,
});
/** Specialist oversight: their supervisors and admins. */
const oversight = (ok: number) => ({
  ...STAFF,
  admin: org(ok),
  supervisor: team(ok),
  peer: 403,
  coveringPeer: 403,
});

/** FHIR Patient reads: no staff role (403), API clients with system/Patient.read or system/*.read. */
const fhirRead = (ok: number) => ({
  ...SIGNED_IN,
  admin: 403,
  supervisor: 403,
  peer: 403,
  coveringPeer: 403,
  apiClient: Object.fromEntries(
    API_SCOPES.map((s) => [s, s === 'system/Patient.read' || s === 'system/*.read' ? ok : 403]),
  ) as Record<(typeof API_SCOPES)[number], Expect>,
});

/**
 * Inbound integrations (SPEC 8, 12): no staff role (403); API clients by their write scope only
 * (`discharges:write` for discharges and HL7 v2 ADT, `referrals:write` for referrals).
 */
const integration = (scope: (typeof API_SCOPES)[number], ok: number) => ({
  ...SIGNED_IN,
  admin: 403,
  supervisor: 403,
  peer: 403,
  coveringPeer: 403,
  apiClient: Object.fromEntries(API_SCOPES.map((s) => [s, s === scope ? ok : 403])) as Record<
    (typeof API_SCOPES)[number],
    Expect
  >,
});

// --- The table ----------------------------------------------------------------------------------

export const MATRIX: MatrixRow[] = [
  // Operations and docs (SPEC 11): public.
  { route: 'GET /health/live', ...everyone(200) },
  { route: 'GET /health/ready', ...everyone(200) },
  { route: 'GET /metrics', ...everyone(200) },
  { route: 'GET /openapi.json', ...everyone(200) },
  { route: 'GET /openapi.yaml', ...everyone(200) },
  { route: 'GET /docs', ...everyone(200) },
  { route: 'GET /docs/', ...everyone(200) },
  { route: 'GET /docs/index.html', ...everyone(200) },
  { route: 'GET /docs/swagger-ui-init.js', ...everyone(200) },
  { route: 'GET /docs/docs/swagger-ui-init.js', ...everyone(200) },
  // Registered by @fastify/swagger-ui, which ships no LICENSE file: a 404 (in problem+json).
  { route: 'GET /docs/LICENSE', ...everyone(404) },
  { route: 'GET /docs/*', ...everyone(200) },

  // Authentication (SPEC 2): public; wrong credentials are 401 whatever bearer token comes along.
  { route: 'POST /api/v1/auth/login', ...everyone(401) },
  { route: 'POST /api/v1/auth/refresh', ...everyone(401) },
  { route: 'POST /api/v1/auth/logout', ...everyone(401) },
  { route: 'POST /oauth/token', ...everyone(401) },
  // SMART Backend Services discovery (SPEC 8): public, like the token endpoint it names.
  { route: 'GET /.well-known/smart-configuration', ...everyone(200) },
  // SPEC 2: /me returns the caller, an API client too (its own description, not a staff read).
  {
    route: 'GET /api/v1/me',
    ...STAFF,
    admin: 200,
    supervisor: 200,
    peer: 200,
    coveringPeer: 200,
    apiClient: 200,
  },

  // Users, teams, API clients, settings (SPEC 2: only admins manage them).
  { route: 'POST /api/v1/users', ...adminOnly(201) },
  { route: 'GET /api/v1/users', ...adminOnly(200) },
  { route: 'GET /api/v1/users/:id', ...adminOnly(org(200)) },
  { route: 'PATCH /api/v1/users/:id', ...adminOnly(org(200)) },
  {
    route: 'GET /api/v1/teams',
    ...STAFF,
    admin: 200,
    supervisor: 200,
    peer: 200,
    coveringPeer: 200,
  },
  { route: 'POST /api/v1/teams', ...adminOnly(201) },
  { route: 'PATCH /api/v1/teams/:id', ...adminOnly(org(200)) },
  { route: 'POST /api/v1/api-clients', ...adminOnly(201) },
  { route: 'GET /api/v1/api-clients', ...adminOnly(200) },
  { route: 'PATCH /api/v1/api-clients/:id', ...adminOnly(org(200)) },
  { route: 'GET /api/v1/settings/organization', ...adminOnly(200) },
  { route: 'PATCH /api/v1/settings/organization', ...adminOnly(200) },
  { route: 'GET /api/v1/settings/follow-up-cadences/:levelOfCare', ...adminOnly(200) },
  { route: 'PUT /api/v1/settings/follow-up-cadences/:levelOfCare', ...adminOnly(200) },

  // Notifications: each user reads and marks their own.
  {
    route: 'GET /api/v1/notifications',
    ...STAFF,
    admin: 200,
    supervisor: 200,
    peer: 200,
    coveringPeer: 200,
  },
  {
    route: 'POST /api/v1/notifications/:id/read',
    ...STAFF,
    admin: personal(200),
    supervisor: personal(200),
    peer: personal(200),
    coveringPeer: personal(200),
  },

  // Clients and caseloads (SPEC 2, 4). Lists name their record through a filter.
  {
    route: 'POST /api/v1/clients',
    ...STAFF,
    admin: 403,
    supervisor: 201,
    peer: 201,
    coveringPeer: 201,
  },
  { route: 'GET /api/v1/clients', ...clientRead(200) }, // ?specialistId=
  { route: 'GET /api/v1/clients/:id', ...clientRead(200) },
  {
    route: 'PATCH /api/v1/clients/:id',
    ...STAFF,
    admin: 403,
    supervisor: team(200),
    peer: caseload(200),
    coveringPeer: covered(200),
  },
  { route: 'POST /api/v1/clients/:id/assignments', ...supervisorOnly(201) },
  { route: 'GET /api/v1/clients/:id/assignments', ...clientRead(200) },
  { route: 'POST /api/v1/clients/:id/coverage', ...supervisorOnly(201) },
  { route: 'GET /api/v1/clients/:id/coverage', ...clientRead(200) },
  { route: 'POST /api/v1/clients/:id/coverage/:coverageId/end', ...supervisorOnly(200) },
  {
    route: 'GET /api/v1/caseloads',
    ...STAFF,
    admin: 200,
    supervisor: 200,
    peer: 403,
    coveringPeer: 403,
  },
  { route: 'GET /api/v1/caseloads/:specialistId', ...oversight(200) },

  // Specialist profiles (SPEC 3): self, their supervisors, admins; credentials are never self-attested.
  { route: 'GET /api/v1/specialists/:id', ...clientRead(200), coveringPeer: none },
  { route: 'PATCH /api/v1/specialists/:id', ...oversight(200) },
  { route: 'POST /api/v1/specialists/:id/certifications', ...oversight(201) },
  { route: 'PATCH /api/v1/specialists/:id/certifications/:certificationId', ...oversight(200) },
  { route: 'POST /api/v1/specialists/:id/ce-hours', ...clientRead(201), coveringPeer: none },
  { route: 'POST /api/v1/specialists/:id/supervision-hours', ...oversight(201) },

  // Recovery plans, goals, BARC-10 (SPEC 5, 6): clinical.
  { route: 'POST /api/v1/clients/:id/recovery-plans', ...clinical(201) },
  { route: 'GET /api/v1/clients/:id/recovery-plans', ...clinical(200) },
  { route: 'GET /api/v1/recovery-plans/:id', ...clinical(200) },
  { route: 'PATCH /api/v1/recovery-plans/:id', ...clinical(200) },
  { route: 'POST /api/v1/recovery-plans/:id/goals', ...clinical(201) },
  { route: 'GET /api/v1/recovery-plans/:id/goals', ...clinical(200) },
  { route: 'GET /api/v1/goals/:id', ...clinical(200) },
  { route: 'PATCH /api/v1/goals/:id', ...clinical(200) },
  { route: 'POST /api/v1/clients/:id/assessments', ...clinical(201) },
  { route: 'GET /api/v1/clients/:id/assessments', ...clinical(200) },
  { route: 'GET /api/v1/clients/:id/assessments/trend', ...clinical(200) },

  // Session notes (SPEC 6): authors edit and sign their drafts; supervisors of the author review.
  { route: 'POST /api/v1/clients/:id/session-notes', ...clinical(201) },
  { route: 'GET /api/v1/clients/:id/session-notes', ...clinical(200) },
  { route: 'GET /api/v1/clients/:id/timeline', ...clinical(200) },
  { route: 'GET /api/v1/session-notes', ...clinical(200) }, // ?authorId=
  { route: 'GET /api/v1/session-notes/:id', ...clinical(200) },
  {
    route: 'PATCH /api/v1/session-notes/:id',
    ...clinical(200),
    supervisor: authorOnly,
    coveringPeer: authorOnly,
  },
  {
    route: 'POST /api/v1/session-notes/:id/sign',
    ...clinical(200),
    supervisor: authorOnly,
    coveringPeer: authorOnly,
  },
  // Corrections: the author or a supervisor; a covering colleague writes a note of their own.
  { route: 'POST /api/v1/session-notes/:id/addenda', ...clinical(201), coveringPeer: authorOnly },
  { route: 'POST /api/v1/session-notes/:id/review', ...supervisorOnly(200) },

  // Relapse-prevention plans (SPEC 10a): clinical narrative in the client's words, like notes.
  { route: 'GET /api/v1/clients/:id/relapse-prevention-plan', ...clinical(200) },
  { route: 'PUT /api/v1/clients/:id/relapse-prevention-plan', ...clinical(201) },
  { route: 'GET /api/v1/clients/:id/relapse-prevention-plan/versions', ...clinical(200) },
  { route: 'GET /api/v1/clients/:id/relapse-prevention-plan/versions/:n', ...clinical(200) },

  // Group sessions (SPEC 6): a record names its attendees; the caller must see every one.
  { route: 'POST /api/v1/group-sessions', ...clinical(201) }, // attendees[0].clientId
  {
    route: 'GET /api/v1/group-sessions',
    ...STAFF,
    admin: 403,
    supervisor: 200,
    peer: 200,
    coveringPeer: 200,
  },
  { route: 'GET /api/v1/group-sessions/:id', ...clinical(200) },
  // Draft corrections and signing: the facilitator (or whoever recorded it), as a note's author.
  {
    route: 'PATCH /api/v1/group-sessions/:id',
    ...clinical(200),
    supervisor: authorOnly,
    coveringPeer: authorOnly,
  },
  {
    route: 'POST /api/v1/group-sessions/:id/sign',
    ...clinical(200),
    supervisor: authorOnly,
    coveringPeer: authorOnly,
  },
  { route: 'GET /api/v1/clients/:id/group-participation', ...clinical(200) },

  // Discharge bridge and follow-ups (SPEC 7): the people who work the follow-up queue.
  { route: 'POST /api/v1/clients/:id/discharges', ...clinical(201) },
  { route: 'POST /api/v1/clients/:id/readmissions', ...clinical(201) },
  { route: 'GET /api/v1/follow-ups', ...clinical(200) }, // ?clientId=
  { route: 'GET /api/v1/follow-ups/:id', ...clinical(200) },
  { route: 'POST /api/v1/follow-ups/:id/start', ...clinical(200) },
  { route: 'POST /api/v1/follow-ups/:id/complete', ...clinical(200) },
  { route: 'POST /api/v1/follow-ups/:id/cancel', ...clinical(200) },
  { route: 'POST /api/v1/follow-ups/:id/attempts', ...clinical(200) },
  {
    route: 'GET /api/v1/reports/follow-up-rates',
    ...STAFF,
    admin: 200,
    supervisor: 200,
    peer: 403,
    coveringPeer: 403,
  },
  // Outcome reports (issue 16): counts and rates over the caller's clients, for funders.
  {
    route: 'GET /api/v1/reports/engagement',
    ...STAFF,
    admin: 200,
    supervisor: 200,
    peer: 403,
    coveringPeer: 403,
  },
  {
    route: 'GET /api/v1/reports/recovery-capital',
    ...STAFF,
    admin: 200,
    supervisor: 200,
    peer: 403,
    coveringPeer: 403,
  },
  {
    route: 'GET /api/v1/reports/referrals',
    ...STAFF,
    admin: 200,
    supervisor: 200,
    peer: 403,
    coveringPeer: 403,
  },
  {
    route: 'GET /api/v1/reports/retention',
    ...STAFF,
    admin: 200,
    supervisor: 200,
    peer: 403,
    coveringPeer: 403,
  },

  // Part 2 consents (SPEC 8): recorded and revoked by the staff who work with the client; admins read.
  { route: 'POST /api/v1/clients/:id/consents', ...clinical(201) },
  { route: 'GET /api/v1/clients/:id/consents', ...clientRead(200) },
  { route: 'POST /api/v1/clients/:id/consents/:consentId/revoke', ...clinical(200) },
  { route: 'POST /api/v1/consents/:id/revoke', ...clinical(200) },
  // Part 2 disclosure accounting (SPEC 8, 12): the staff who may read the client, and admins.
  { route: 'GET /api/v1/clients/:id/disclosures', ...clientRead(200) },

  // The FHIR facade (SPEC 8): public metadata; reads for API clients only, by scope (the scope's
  // type, or system/*.read). The matrix's API clients hold no consent: a read finds nothing (404).
  { route: 'GET /fhir/metadata', ...everyone(200) },
  { route: 'GET /fhir/:type', ...fhirRead(200) },
  { route: 'GET /fhir/:type/:id', ...fhirRead(404) },

  // Community resource directory (issue 16): everyone of the organization reads it; admins and
  // supervisors curate it. Not client data: the organization is the scope.
  { route: 'POST /api/v1/resources', ...curators(201) },
  {
    route: 'GET /api/v1/resources',
    ...STAFF,
    admin: 200,
    supervisor: 200,
    peer: 200,
    coveringPeer: 200,
  },
  { route: 'POST /api/v1/resources/import', ...curators(200) },
  {
    route: 'GET /api/v1/resources/:id',
    ...STAFF,
    admin: org(200),
    supervisor: org(200),
    peer: org(200),
    coveringPeer: org(200),
  },
  { route: 'PATCH /api/v1/resources/:id', ...curators(org(200)) },

  // Closed-loop referrals out (issue 16): a client record with a clinical reason, like a note.
  { route: 'POST /api/v1/clients/:id/referrals-out', ...clinical(201) },
  { route: 'GET /api/v1/clients/:id/referrals-out', ...clinical(200) },
  { route: 'GET /api/v1/referrals-out/:id', ...clinical(200) },
  { route: 'PATCH /api/v1/referrals-out/:id', ...clinical(200) },

  // Inbound integrations (SPEC 8): API clients with the write scope. The HL7 v2 feed answers an
  // HL7 ACK (200) whatever the message says; a refusal before it is problem+json.
  { route: 'POST /api/v1/integrations/discharges', ...integration('discharges:write', 201) },
  { route: 'POST /api/v1/integrations/referrals', ...integration('referrals:write', 201) },
  { route: 'POST /api/v1/integrations/hl7v2', ...integration('discharges:write', 200) },
  // The Da Vinci discharge notification (FHIR messaging): errors are OperationOutcomes.
  { route: 'POST /fhir/$process-message', ...integration('discharges:write', 200) },

  // Outbound webhooks (SPEC 8): admins manage their organization's endpoints and deliveries.
  { route: 'POST /api/v1/webhooks', ...adminOnly(201) },
  { route: 'GET /api/v1/webhooks', ...adminOnly(200) },
  { route: 'GET /api/v1/webhooks/:id', ...adminOnly(org(200)) },
  { route: 'PATCH /api/v1/webhooks/:id', ...adminOnly(org(200)) },
  { route: 'GET /api/v1/webhooks/:id/deliveries', ...adminOnly(org(200)) },
  {
    route: 'POST /api/v1/webhooks/:id/deliveries/:deliveryId/redeliver',
    ...adminOnly(org(204)),
  },

  // Audit (SPEC 9): supervisors their teams, admins the organization; only admins verify.
  {
    route: 'GET /api/v1/audit-events',
    ...STAFF,
    admin: 200,
    supervisor: 200,
    peer: 403,
    coveringPeer: 403,
  },
  { route: 'GET /api/v1/audit-events/verify', ...adminOnly(200) },
];

/**
 * The queue dashboard (SPEC 11; issue 11: for the deployment's operators, QUEUE_DASHBOARD_OPERATORS,
 * never an organization role): Bull Board's routes under /admin/queues answer 401 without
 * credentials and 403 to every signed-in principal of the matrix, admins included, since none is
 * an operator (an operator's 200s and 405s are in test/e2e/queue-dashboard*.e2e-spec.ts). The
 * sign-in and sign-out pages are public; their form posts accept form encoding only (415 here,
 * where the matrix posts JSON).
 */
const DASHBOARD_PAGES: Record<string, number> = {
  'GET /admin/queues/auth/sign-in': 200,
  'GET /admin/queues/auth/sign-out': 200,
  'POST /admin/queues/auth/sign-in': 415,
  'POST /admin/queues/auth/sign-out': 415,
};

export const QUEUE_DASHBOARD = {
  prefix: '/admin/queues',
  row: (method: string, url: string): Omit<MatrixRow, 'route'> => {
    const page = DASHBOARD_PAGES[`${method} ${url}`];
    if (page !== undefined) return everyone(page);
    return { ...STAFF, admin: 403, supervisor: 403, peer: 403, coveringPeer: 403 };
  },
};
