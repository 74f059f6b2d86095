/** What a caller may do. Role -> permissions lives here and nowhere else. */
export enum Permission {
  MeRead = 'me.read',
  UserRead = 'user.read',
  UserManage = 'user.manage',
  TeamRead = 'team.read',
  TeamManage = 'team.manage',
  ApiClientManage = 'api-client.manage',
  AuditRead = 'audit.read',
  AuditVerify = 'audit.verify',
  /** The audit search as a CSV export (SPEC 10: admins). */
  AuditExport = 'audit.export',
  NotificationRead = 'notification.read',
  PlanRead = 'recovery-plan.read',
  PlanWrite = 'recovery-plan.write',
  GoalRead = 'goal.read',
  GoalWrite = 'goal.write',
  AssessmentRead = 'assessment.read',
  AssessmentWrite = 'assessment.write',
  ClientRead = 'client.read',
  ClientCreate = 'client.create',
  ClientUpdate = 'client.update',
  ClientAssign = 'client.assign',
  SpecialistRead = 'specialist.read',
  SpecialistManage = 'specialist.manage',
  SpecialistSupervise = 'specialist.supervise',
  CaseloadRead = 'caseload.read',
  NoteRead = 'session-note.read',
  NoteWrite = 'session-note.write',
  NoteSign = 'session-note.sign',
  NoteReview = 'session-note.review',
  GroupSessionRead = 'group-session.read',
  GroupSessionWrite = 'group-session.write',
  DischargeWrite = 'discharge.write',
  FollowUpRead = 'follow-up.read',
  FollowUpWrite = 'follow-up.write',
  FollowUpRateRead = 'report.follow-up-rates',
  FollowUpCadenceManage = 'settings.follow-up-cadence',
  OrganizationSettingsManage = 'settings.organization',
  ConsentRead = 'consent.read',
  ConsentWrite = 'consent.write',
  RelapsePlanRead = 'relapse-prevention-plan.read',
  RelapsePlanWrite = 'relapse-prevention-plan.write',
  OutcomeReportRead = 'report.outcomes',
  ResourceRead = 'resource.read',
  ResourceManage = 'resource.manage',
  ReferralOutRead = 'referral-out.read',
  ReferralOutWrite = 'referral-out.write',
  DisclosureRead = 'disclosure.read',
  /** Any FHIR read or search: each resource type also needs its own permission below. */
  FhirRead = 'fhir.read',
  FhirPatientRead = 'fhir.patient.read',
  FhirPractitionerRead = 'fhir.practitioner.read',
  FhirCarePlanRead = 'fhir.care-plan.read',
  FhirGoalRead = 'fhir.goal.read',
  FhirEncounterRead = 'fhir.encounter.read',
  FhirTaskRead = 'fhir.task.read',
  FhirObservationRead = 'fhir.observation.read',
  FhirQuestionnaireResponseRead = 'fhir.questionnaire-response.read',
  FhirConsentRead = 'fhir.consent.read',
  IntegrationDischargeWrite = 'integration.discharge.write',
  IntegrationReferralWrite = 'integration.referral.write',
  WebhookManage = 'webhook.manage',
}

export enum Role {
  PeerSpecialist = 'peer_specialist',
  Supervisor = 'supervisor',
  Admin = 'admin',
}

export const ROLES = Object.values(Role);

const STAFF: Permission[] = [Permission.MeRead, Permission.NotificationRead, Permission.TeamRead];

// Clinical documentation: staff who work with clients. Admins never read narratives (minimum necessary).
const CLINICAL_WRITER: Permission[] = [
  Permission.NoteRead,
  Permission.NoteWrite,
  Permission.NoteSign,
  Permission.GroupSessionRead,
  Permission.GroupSessionWrite,
];

// Recovery plans, goals and BARC-10: the people who work with the client. Admins have none of
// these: plans' strengths and barriers and goals' text are clinical narratives (minimum necessary).
const RECOVERY_PLANNING: Permission[] = [
  Permission.PlanRead,
  Permission.PlanWrite,
  Permission.GoalRead,
  Permission.GoalWrite,
  Permission.AssessmentRead,
  Permission.AssessmentWrite,
  // A relapse-prevention plan is the client's own words about triggers and crises (SPEC 10a).
  Permission.RelapsePlanRead,
  Permission.RelapsePlanWrite,
];

// Part 2 consents: the staff who work with the client record and revoke them; admins may read
// them (who may receive a client's records is not a clinical narrative).
const CONSENTS: Permission[] = [
  Permission.ConsentRead,
  Permission.ConsentWrite,
  Permission.DisclosureRead,
];

// The discharge bridge: the people who work the follow-up queue (admins configure cadences only).
const DISCHARGE_BRIDGE: Permission[] = [
  Permission.DischargeWrite,
  Permission.FollowUpRead,
  Permission.FollowUpWrite,
];

// The community resource directory: everyone in the organization reads it; admins and
// supervisors curate it (issue 16).
const DIRECTORY_READER: Permission[] = [Permission.ResourceRead];
const DIRECTORY_CURATOR: Permission[] = [Permission.ResourceRead, Permission.ResourceManage];

// Closed-loop referrals out: the staff who work with the client (a referral's reason is clinical;
// admins have none of these: minimum necessary).
const REFERRALS_OUT: Permission[] = [Permission.ReferralOutRead, Permission.ReferralOutWrite];

const ROLE_PERMISSIONS: Record<Role, ReadonlySet<Permission>> = {
  [Role.PeerSpecialist]: new Set([
    ...STAFF,
    ...CONSENTS,
    ...DISCHARGE_BRIDGE,
    ...RECOVERY_PLANNING,
    ...CLINICAL_WRITER,
    ...DIRECTORY_READER,
    ...REFERRALS_OUT,
    Permission.ClientRead,
    Permission.ClientCreate,
    Permission.ClientUpdate,
    Permission.SpecialistRead,
    Permission.SpecialistManage,
  ]),
  [Role.Supervisor]: new Set([
    ...STAFF,
    ...CONSENTS,
    ...DISCHARGE_BRIDGE,
    Permission.FollowUpRateRead,
    Permission.OutcomeReportRead,
    ...RECOVERY_PLANNING,
    ...CLINICAL_WRITER,
    ...DIRECTORY_CURATOR,
    ...REFERRALS_OUT,
    Permission.NoteReview,
    Permission.AuditRead,
    Permission.ClientRead,
    Permission.ClientCreate,
    Permission.ClientUpdate,
    Permission.ClientAssign,
    Permission.SpecialistRead,
    Permission.SpecialistManage,
    Permission.SpecialistSupervise,
    Permission.CaseloadRead,
  ]),
  [Role.Admin]: new Set([
    ...STAFF,
    ...DIRECTORY_CURATOR,
    Permission.ConsentRead,
    Permission.DisclosureRead,
    Permission.FollowUpRateRead,
    // Outcome reports are counts and rates over the organization's clients: no narrative.
    Permission.OutcomeReportRead,
    Permission.FollowUpCadenceManage,
    Permission.OrganizationSettingsManage,
    Permission.UserRead,
    Permission.UserManage,
    Permission.TeamManage,
    Permission.ApiClientManage,
    Permission.WebhookManage,
    Permission.AuditRead,
    Permission.AuditVerify,
    Permission.AuditExport,
    Permission.ClientRead,
    Permission.SpecialistRead,
    Permission.SpecialistManage,
    Permission.SpecialistSupervise,
    Permission.CaseloadRead,
  ]),
};

/** SMART backend-service scopes plus the integration write scopes (SPEC section 12). */
export const API_SCOPES = [
  'system/Patient.read',
  'system/Practitioner.read',
  'system/CarePlan.read',
  'system/Goal.read',
  'system/Encounter.read',
  'system/Task.read',
  'system/Observation.read',
  'system/QuestionnaireResponse.read',
  'system/Consent.read',
  'system/*.read',
  'discharges:write',
  'referrals:write',
] as const;
export type ApiScope = (typeof API_SCOPES)[number];

const ALL_READ = 'system/*.read';
/** The concrete `system/<Type>.read` scopes that `system/*.read` stands for. */
export const SYSTEM_READ_SCOPES: readonly string[] = API_SCOPES.filter(
  (s) => s !== ALL_READ && s.startsWith('system/'),
);

export const isApiScope = (scope: string): scope is ApiScope =>
  (API_SCOPES as readonly string[]).includes(scope);

/** The concrete scopes a list stands for: `system/*.read` is every `system/<Type>.read`. */
export function expandScopes(scopes: readonly string[]): Set<string> {
  const expanded = new Set<string>();
  for (const scope of scopes) {
    if (scope === ALL_READ) SYSTEM_READ_SCOPES.forEach((s) => expanded.add(s));
    else expanded.add(scope);
  }
  return expanded;
}

/**
 * What a token request is granted (SMART Backend Services): the concrete scopes both asked for
 * and registered, `system/*.read` expanded on either side, in API_SCOPES order.
 */
export function grantScopes(asked: readonly string[], registered: readonly string[]): string[] {
  const wanted = expandScopes(asked);
  const allowed = expandScopes(registered);
  return API_SCOPES.filter((s) => wanted.has(s) && allowed.has(s));
}

// The SMART `system/<Type>.read` scopes: each grants the FHIR facade and its one resource type.
const FHIR_TYPE_SCOPES = {
  'system/Patient.read': Permission.FhirPatientRead,
  'system/Practitioner.read': Permission.FhirPractitionerRead,
  'system/CarePlan.read': Permission.FhirCarePlanRead,
  'system/Goal.read': Permission.FhirGoalRead,
  'system/Encounter.read': Permission.FhirEncounterRead,
  'system/Task.read': Permission.FhirTaskRead,
  'system/Observation.read': Permission.FhirObservationRead,
  'system/QuestionnaireResponse.read': Permission.FhirQuestionnaireResponseRead,
  'system/Consent.read': Permission.FhirConsentRead,
} as const satisfies Partial<Record<ApiScope, Permission>>;

// API clients never reach staff endpoints: their permissions come from scopes only. What they
// see of a client is decided by consents (access/consent.sql), not here. `system/*.read` grants
// every type (it is also expanded into the type scopes when a token is issued).
const SCOPE_PERMISSIONS: Partial<Record<ApiScope, Permission[]>> = {
  ...Object.fromEntries(
    Object.entries(FHIR_TYPE_SCOPES).map(([scope, p]) => [scope, [Permission.FhirRead, p]]),
  ),
  'system/*.read': [Permission.FhirRead, ...Object.values(FHIR_TYPE_SCOPES)],
  'discharges:write': [Permission.IntegrationDischargeWrite],
  'referrals:write': [Permission.IntegrationReferralWrite],
};

export function roleHas(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role]?.has(permission) ?? false;
}

// What every API client may do whatever its scopes: read its own description (GET /api/v1/me).
const API_CLIENT_PERMISSIONS: readonly Permission[] = [Permission.MeRead];

// Each permission and the scopes that grant it (`system/*.read` grants what its expansion
// grants), built once: a guard's check is then a lookup per scope of the token.
const SCOPES_GRANTING = new Map<Permission, Set<string>>();
for (const [scope, permissions] of Object.entries(SCOPE_PERMISSIONS)) {
  for (const p of permissions ?? []) {
    const granting = SCOPES_GRANTING.get(p) ?? new Set<string>();
    granting.add(scope);
    SCOPES_GRANTING.set(p, granting);
  }
}

export function scopesHave(scopes: readonly string[], permission: Permission): boolean {
  if (API_CLIENT_PERMISSIONS.includes(permission)) return true;
  const granting = SCOPES_GRANTING.get(permission);
  return granting !== undefined && scopes.some((s) => granting.has(s));
}
