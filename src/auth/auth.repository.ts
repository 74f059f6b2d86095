import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

const SESSION_ACTIVE = `SELECT 1 FROM auth_session s JOIN app_user u ON u.id = s.user_id
  WHERE s.id = $1 AND u.id = $2 AND s.revoked_at IS NULL AND s.expires_at > now() AND u.active`;
const CLIENT_GRANT = `SELECT active, token_generation AS generation, scopes FROM api_client WHERE id = $1`;

/** A refresh token being rotated, with its session's user. */
export interface RefreshRow {
  token_hash: Buffer;
  used_at: Date | null;
  expires_at: Date;
  session_id: string;
  user_id: string;
}

/** A refresh token being logged out with, and who holds it. */
export interface RefreshOwnerRow {
  token_hash: Buffer;
  session_id: string;
  user_id: string;
  organization_id: string;
  role: string;
}

/** What an API client is granted now, as stored. */
export interface ClientGrantRow {
  active: boolean;
  generation: number;
  scopes: string[];
}

/**
 * The authentication's data access: sessions, refresh tokens, and the revocation checks. (Record
 * scope stays with AccessService, which composes and runs the scope fragments of ./access.)
 */
@Injectable()
export class AuthRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Runs `work` in one transaction (a refresh token's rotation). */
  inTransaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /** Opens a session of `ttlSeconds`; gives its id. */
  async insertSession(manager: EntityManager, userId: string, ttlSeconds: number): Promise<string> {
    const [{ id }] = await manager.query(
      `INSERT INTO auth_session (user_id, expires_at) VALUES ($1, now() + make_interval(secs => $2)) RETURNING id`,
      [userId, ttlSeconds],
    );
    return id;
  }

  async revokeSession(manager: EntityManager, sessionId: string, reason: string): Promise<void> {
    await manager.query(
      `UPDATE auth_session SET revoked_at = now(), revoked_reason = $2 WHERE id = $1 AND revoked_at IS NULL`,
      [sessionId, reason],
    );
  }

  /** Shortens the session to at most `ttlSeconds` from now (the queue dashboard's sign-in). */
  async capSessionExpiry(
    manager: EntityManager,
    sessionId: string,
    ttlSeconds: number,
  ): Promise<void> {
    await manager.query(
      `UPDATE auth_session SET expires_at = LEAST(expires_at, now() + make_interval(secs => $2)) WHERE id = $1`,
      [sessionId, ttlSeconds],
    );
  }

  /** Logs the user's session out; false when it was already revoked (or is not theirs). */
  async logOutSession(manager: EntityManager, sessionId: string, userId: string): Promise<boolean> {
    const [, revoked]: [unknown, number] = await manager.query(
      `UPDATE auth_session SET revoked_at = now(), revoked_reason = 'logout'
         WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL`,
      [sessionId, userId],
    );
    return revoked !== 0;
  }

  async insertRefreshToken(
    manager: EntityManager,
    token: { id: string; sessionId: string; hash: Buffer; ttlSeconds: number },
  ): Promise<void> {
    await manager.query(
      `INSERT INTO refresh_token (id, session_id, token_hash, expires_at)
       VALUES ($1, $2, $3, now() + make_interval(secs => $4))`,
      [token.id, token.sessionId, token.hash, token.ttlSeconds],
    );
  }

  /** The refresh token of a live session, locked for its rotation. */
  async lockRefreshToken(manager: EntityManager, id: string): Promise<RefreshRow | undefined> {
    const [row]: RefreshRow[] = await manager.query(
      `SELECT r.token_hash, r.used_at, r.expires_at, r.session_id, s.user_id FROM refresh_token r
         JOIN auth_session s ON s.id = r.session_id
         WHERE r.id = $1 AND s.revoked_at IS NULL AND s.expires_at > now() FOR UPDATE OF r`,
      [id],
    );
    return row;
  }

  async markRefreshTokenUsed(manager: EntityManager, id: string): Promise<void> {
    await manager.query(`UPDATE refresh_token SET used_at = now() WHERE id = $1`, [id]);
  }

  /** The refresh token with its session and user (whatever the session's state). */
  async findRefreshOwner(manager: EntityManager, id: string): Promise<RefreshOwnerRow | undefined> {
    const [row]: RefreshOwnerRow[] = await manager.query(
      `SELECT r.token_hash, s.id AS session_id, s.user_id, u.organization_id, u.role FROM refresh_token r
         JOIN auth_session s ON s.id = r.session_id JOIN app_user u ON u.id = s.user_id WHERE r.id = $1`,
      [id],
    );
    return row;
  }

  /** The name of an active API client of the organization, or undefined. */
  async findActiveApiClientName(organizationId: string, id: string): Promise<string | undefined> {
    const [client]: { name: string }[] = await this.dataSource.query(
      `SELECT name FROM api_client WHERE id = $1 AND organization_id = $2 AND active`,
      [id, organizationId],
    );
    return client?.name;
  }

  /** Is the user's session live (not revoked, not expired, the user active)? */
  async isSessionActive(sessionId: string, userId: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(SESSION_ACTIVE, [sessionId, userId]);
    return rows.length > 0;
  }

  async findClientGrant(clientId: string): Promise<ClientGrantRow | undefined> {
    const [row]: ClientGrantRow[] = await this.dataSource.query(CLIENT_GRANT, [clientId]);
    return row;
  }
}
