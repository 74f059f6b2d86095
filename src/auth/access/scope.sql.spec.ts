import { CASELOAD_DETAIL, CASELOAD_SUMMARY } from '../../modules/caseloads/caseload.queries';
import { Role } from '../permissions';
import { ApiClientPrincipal, UserPrincipal } from '../principal';
import { auditEventScope, clientScope, dashboardSpecialists } from './scope.sql';

// Whitespace aside, the statements of the hot paths are the ones they were before scope had one
// home: the same text gives the same plans (prepared caseload statements, requireClient).
const flat = (sql: string) =>
  sql.replace(/\s+/g, ' ').replace(/\( /g, '(').replace(/ \)/g, ')').trim();

const user = (role: Role): UserPrincipal => ({
  kind: 'user',
  id: 'u-1',
  organizationId: 'o-1',
  role,
  sessionId: 's-1',
});

describe('scope fragments', () => {
  it('should keep the client predicates of every role as they were', () => {
    expect(flat(clientScope(user(Role.Supervisor), 'c').sql)).toBe(
      flat(`c.organization_id = :scopeOrgId AND c.deleted_at IS NULL AND (c.primary_specialist_id IN (
        SELECT m.user_id FROM team_member m
        JOIN team_member s ON s.team_id = m.team_id AND s.membership = 'supervisor'
        WHERE s.user_id = :scopeUserId AND m.membership = 'member') OR c.primary_specialist_id IS NULL)`),
    );
    expect(flat(clientScope(user(Role.PeerSpecialist), 'c').sql)).toBe(
      flat(`c.organization_id = :scopeOrgId AND c.deleted_at IS NULL AND (c.primary_specialist_id = :scopeUserId
        OR EXISTS (SELECT 1 FROM client_coverage cv
        WHERE cv.client_id = c.id AND cv.specialist_id = :scopeUserId AND cv.revoked_at IS NULL
          AND cv.starts_at <= now() AND cv.ends_at > now()))`),
    );
    expect(clientScope(user(Role.Admin), 'x')).toEqual({
      sql: 'x.organization_id = :scopeOrgId AND x.deleted_at IS NULL',
      params: { scopeOrgId: 'o-1', scopeUserId: 'u-1' },
    });
  });

  it('should keep the caseload dashboard statements as they were', () => {
    const old = flat(`u.organization_id = $1 AND u.role = 'peer_specialist'
      AND ($2::uuid IS NULL OR EXISTS (SELECT 1 FROM team_member m
        JOIN team_member s ON s.team_id = m.team_id AND s.membership = 'supervisor'
        WHERE m.user_id = u.id AND m.membership = 'member' AND s.user_id = $2))`);
    expect(flat(dashboardSpecialists('u', '$1', '$2'))).toBe(old);
    expect(flat(CASELOAD_SUMMARY)).toContain(`WHERE ${old} AND u.active`);
    expect(flat(CASELOAD_DETAIL)).toContain(`WHERE u.id = $3 AND ${old})`);
  });

  it("should limit a supervisor's audit events to their own and their teams' members' (SPEC 9)", () => {
    expect(flat(auditEventScope(user(Role.Supervisor), 'e').sql)).toBe(
      flat(`e.organization_id = :scopeOrgId AND (e.actor_id = :scopeUserId OR e.actor_id IN (
        SELECT m.user_id FROM team_member m
        JOIN team_member s ON s.team_id = m.team_id AND s.membership = 'supervisor'
        WHERE s.user_id = :scopeUserId AND m.membership = 'member'))`),
    );
    expect(auditEventScope(user(Role.Admin), 'e').sql).toBe('e.organization_id = :scopeOrgId');
    expect(auditEventScope(user(Role.PeerSpecialist), 'e').sql).toBe('false');
  });

  it('should let an API client see a client only under a consent in force for one of the categories (42 CFR Part 2)', () => {
    const apiClient: ApiClientPrincipal = {
      kind: 'api_client',
      id: 'a-1',
      organizationId: 'o-1',
      scopes: ['system/*.read'],
      generation: 0,
    };
    expect(clientScope(apiClient, 'c').sql).toBe('false');
    const scoped = clientScope(apiClient, 'c', ['demographics']);
    expect(scoped.params).toEqual({
      scopeOrgId: 'o-1',
      scopeUserId: 'a-1',
      scopeCategories: ['demographics'],
    });
    expect(flat(scoped.sql)).toBe(
      flat(`c.organization_id = :scopeOrgId AND c.deleted_at IS NULL AND EXISTS (
        SELECT k.id AS consent_id, a.purpose AS purpose, k.categories AS categories
        FROM consent k JOIN api_client a ON a.id = k.recipient_id
        WHERE k.client_id = c.id AND k.recipient_id = :scopeUserId
          AND a.active AND k.organization_id = a.organization_id
          AND k.revoked_at IS NULL AND k.effective_at <= now() AND k.expires_at > now()
          AND a.purpose = ANY (k.purposes)
          AND k.categories && (ARRAY[:...scopeCategories])::text[]
        ORDER BY k.expires_at DESC, k.id DESC LIMIT 1)`),
    );
  });
});
