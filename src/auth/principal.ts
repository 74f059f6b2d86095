import type { RequestContext } from '../common/http/request-context';
import { Role } from './permissions';

export interface UserPrincipal {
  kind: 'user';
  id: string;
  organizationId: string;
  role: Role;
  sessionId: string;
  /** The request this principal was authenticated for (absent outside a request). */
  context?: RequestContext;
}

export interface ApiClientPrincipal {
  kind: 'api_client';
  id: string;
  organizationId: string;
  scopes: string[];
  /** The client's token generation when the token was issued: deactivation bumps it. */
  generation: number;
  context?: RequestContext;
}

export type Principal = UserPrincipal | ApiClientPrincipal;

export function correlationOf(principal: Principal): string | null {
  return principal.context?.correlationId ?? null;
}

export function roleOf(principal: Principal): string {
  return principal.kind === 'user' ? principal.role : 'api_client';
}
