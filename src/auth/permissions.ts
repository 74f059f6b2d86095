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

const ROLE_PERMISSIONS: Record<Role, ReadonlySet<Permission>> = {
  [Role.PeerSpecialist]: new Set([
    ...STAFF,
    ...CONSENTS,
    ...DISCHARGE_BRIDGE,
    ...RECOVERY_PLANNING,
    ...CLINICAL_WRITER,
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
    ...RECOVERY_PLANNING,
    ...CLINICAL_WRITER,
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
    Permission.ConsentRead,
    Permission.DisclosureRead,
    Permission.FollowUpRateRead,
    Permission.FollowUpCadenceManage,
    Permission.OrganizationSettingsManage,
    Permission.UserRead,
    Permission.UserManage,
    Permission.TeamManage,
    Permission.ApiClientManage,
    Permission.WebhookManage,
    Permission.AuditRead,
    Permission.AuditVerify,
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

export function scopesHave(scopes: readonly string[], permission: Permission): boolean {
  return scopes.some((s) => SCOPE_PERMISSIONS[s as ApiScope]?.includes(permission) ?? false);
}
