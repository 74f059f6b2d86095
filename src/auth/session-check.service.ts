import { Inject, Injectable } from '@nestjs/common';

import { CONFIG } from '../config/config.module';
import { Config } from '../config/configuration';
import { AuthRepository } from './auth.repository';
import { expandScopes } from './permissions';
import { ApiClientPrincipal, Principal, UserPrincipal } from './principal';

const MAX_ENTRIES = 50_000;

interface SessionState {
  kind: 'session';
  active: boolean;
  until: number;
}

/** What an API client is granted now: its tokens must claim no more. */
interface ClientGrant {
  kind: 'client';
  active: boolean;
  generation: number;
  scopes: ReadonlySet<string>;
  until: number;
}

/**
 * Is the session (or API client) behind a valid token still active? Logout, deactivation and a
 * role change revoke the session in Postgres; deactivating an API client bumps its token
 * generation, and narrowing its scopes voids the tokens that claim a removed one. Each API process
 * trusts what it read for SESSION_CHECK_TTL_MS at most, so such a token stops working (401)
 * within that window, with one query per session or client per window, not one per request.
 */
@Injectable()
export class SessionCheckService {
  private readonly cache = new Map<string, SessionState | ClientGrant>();
  private readonly ttlMs: number;

  constructor(
    private readonly repo: AuthRepository,
    @Inject(CONFIG) config: Config,
  ) {
    this.ttlMs = config.auth.sessionCheckTtlMs;
  }

  isActive(principal: Principal): Promise<boolean> {
    return principal.kind === 'user' ? this.sessionActive(principal) : this.clientValid(principal);
  }

  /** Forget what this process knows at once (the revoking process need not wait). */
  forget(key: string): void {
    this.cache.delete(key);
  }

  private async sessionActive(principal: UserPrincipal): Promise<boolean> {
    const now = Date.now();
    const hit = this.cache.get(principal.sessionId);
    if (hit?.kind === 'session' && hit.until > now) return hit.active;
    const active = await this.repo.isSessionActive(principal.sessionId, principal.id);
    this.remember(principal.sessionId, { kind: 'session', active, until: now + this.ttlMs });
    return active;
  }

  private async clientValid(principal: ApiClientPrincipal): Promise<boolean> {
    const hit = this.cache.get(principal.id);
    let grant = hit?.kind === 'client' && hit.until > Date.now() ? hit : undefined;
    // A token of a newer generation than this process knows: the grant changed since it looked.
    if (!grant || principal.generation > grant.generation)
      grant = await this.loadGrant(principal.id);
    return (
      grant.active &&
      grant.generation === principal.generation &&
      principal.scopes.every((scope) => grant.scopes.has(scope))
    );
  }

  private async loadGrant(clientId: string): Promise<ClientGrant> {
    const now = Date.now();
    const row = await this.repo.findClientGrant(clientId);
    const grant: ClientGrant = {
      kind: 'client',
      active: row?.active ?? false,
      generation: row?.generation ?? -1,
      // A client registered with system/*.read holds tokens of the concrete scopes it stands for.
      scopes: expandScopes(row?.scopes ?? []),
      until: now + this.ttlMs,
    };
    this.remember(clientId, grant);
    return grant;
  }

  private remember(key: string, state: SessionState | ClientGrant): void {
    if (this.cache.size >= MAX_ENTRIES) this.cache.clear();
    this.cache.set(key, state);
  }
}
