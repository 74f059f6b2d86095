import { Role } from './permissions';

export interface UserPrincipal {
  kind: 'user';
  id: string;
  organizationId: string;
  role: Role;
  sessionId: string;
}

export interface ApiClientPrincipal {
  kind: 'api_client';
  id: string;
  organizationId: string;
  scopes: string[];
}

export type Principal = UserPrincipal | ApiClientPrincipal;

export function roleOf(principal: Principal): string {
  return principal.kind === 'user' ? principal.role : 'api_client';
}
