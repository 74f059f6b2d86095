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
  QueueDashboard = 'queue.dashboard',
}

export enum Role {
  PeerSpecialist = 'peer_specialist',
  Supervisor = 'supervisor',
  Admin = 'admin',
}

export const ROLES = Object.values(Role);

const STAFF: Permission[] = [Permission.MeRead, Permission.NotificationRead, Permission.TeamRead];

const ROLE_PERMISSIONS: Record<Role, ReadonlySet<Permission>> = {
  [Role.PeerSpecialist]: new Set([...STAFF]),
  [Role.Supervisor]: new Set([...STAFF, Permission.AuditRead]),
  [Role.Admin]: new Set([
    ...STAFF,
    Permission.UserRead,
    Permission.UserManage,
    Permission.TeamManage,
    Permission.ApiClientManage,
    Permission.AuditRead,
    Permission.AuditVerify,
    Permission.QueueDashboard,
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

// API clients never reach staff endpoints: their permissions come from scopes only, and later
// issues map each scope to the integration and FHIR permissions it grants.
const SCOPE_PERMISSIONS: Partial<Record<ApiScope, Permission[]>> = {};

export function roleHas(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role]?.has(permission) ?? false;
}

export function scopesHave(scopes: readonly string[], permission: Permission): boolean {
  return scopes.some((s) => SCOPE_PERMISSIONS[s as ApiScope]?.includes(permission) ?? false);
}
