import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

import { CONFIG } from '../config/config.module';
import { Config } from '../config/configuration';
import { Principal } from './principal';

const MAX_ENTRIES = 50_000;

const SESSION_ACTIVE = `SELECT 1 FROM auth_session s JOIN app_user u ON u.id = s.user_id
  WHERE s.id = $1 AND u.id = $2 AND s.revoked_at IS NULL AND s.expires_at > now() AND u.active`;
const CLIENT_ACTIVE = `SELECT 1 FROM api_client WHERE id = $1 AND active`;

/**
 * Is the session (or API client) behind a valid token still active? Logout and deactivation
 * revoke in Postgres; each API process trusts its answer for SESSION_CHECK_TTL_MS at most, so a
 * revoked token stops working within seconds without a query on every request.
 */
@Injectable()
export class SessionCheckService {
  private readonly cache = new Map<string, { active: boolean; until: number }>();
  private readonly ttlMs: number;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(CONFIG) config: Config,
  ) {
    this.ttlMs = config.auth.sessionCheckTtlMs;
  }

  async isActive(principal: Principal): Promise<boolean> {
    const key = principal.kind === 'user' ? principal.sessionId : principal.id;
    const now = Date.now();
    const hit = this.cache.get(key);
    if (hit && hit.until > now) return hit.active;
    const rows: unknown[] =
      principal.kind === 'user'
        ? await this.dataSource.query(SESSION_ACTIVE, [principal.sessionId, principal.id])
        : await this.dataSource.query(CLIENT_ACTIVE, [principal.id]);
    if (this.cache.size >= MAX_ENTRIES) this.cache.clear();
    this.cache.set(key, { active: rows.length > 0, until: now + this.ttlMs });
    return rows.length > 0;
  }

  /** Forget what this process knows at once (the revoking process need not wait). */
  forget(key: string): void {
    this.cache.delete(key);
  }
}
