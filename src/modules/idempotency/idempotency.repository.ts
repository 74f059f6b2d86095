import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

import { clientScope } from '../../auth/access/scope.sql';
import { Principal } from '../../auth/principal';

// An in-flight key older than this is taken to belong to a request that died.
export const IN_FLIGHT_STALE_SECONDS = 60;

/** A key as a replay reads it. */
export interface StoredKey {
  route: string;
  request_hash: Buffer;
  state: 'in_flight' | 'committed' | 'done';
  stale: boolean;
  response_status: number | null;
  response_sealed: Buffer | null;
  client_ids: string[];
  resource_type: string | null;
  resource_id: string | null;
}

/** What a completed request stores for its replays. */
export interface StoredResponse {
  status: number;
  sealed: Buffer;
  clientIds: string[];
  resourceType: string | null;
  resourceId: string | null;
}

/**
 * The idempotency module's data access: the `idempotency_key` rows (claim, commit, store, replay,
 * purge). A key is the caller's own: another principal's key is another row, never read here.
 */
@Injectable()
export class IdempotencyRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Marks the claimed key `committed`, in the write's transaction (UnitOfWork, through
   * commitIdempotencyClaim). Static: the unit of work calls it without this module's providers.
   */
  static async markCommitted(
    manager: EntityManager,
    principalId: string,
    key: string,
  ): Promise<void> {
    await manager.query(
      `UPDATE idempotency_key SET state = 'committed'
      WHERE principal_id = $1 AND key = $2 AND state = 'in_flight'`,
      [principalId, key],
    );
  }

  /** Claims the key (new, or in flight and stale); false when another request holds it. */
  async claim(principalId: string, key: string, route: string, hash: Buffer): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `INSERT INTO idempotency_key (principal_id, key, route, request_hash, state)
       VALUES ($1, $2, $3, $4, 'in_flight')
       ON CONFLICT (principal_id, key) DO UPDATE SET created_at = now(), route = EXCLUDED.route,
         request_hash = EXCLUDED.request_hash
         WHERE idempotency_key.state = 'in_flight'
           AND idempotency_key.created_at < now() - make_interval(secs => ${IN_FLIGHT_STALE_SECONDS})
       RETURNING 1`,
      [principalId, key, route, hash],
    );
    return rows.length > 0;
  }

  /** Stores the response of the request that held the key. */
  async storeResponse(principalId: string, key: string, r: StoredResponse): Promise<void> {
    await this.dataSource.query(
      `UPDATE idempotency_key SET state = 'done', response_status = $3, response_sealed = $4,
           client_ids = $5::uuid[], resource_type = $6, resource_id = $7, completed_at = now()
         WHERE principal_id = $1 AND key = $2`,
      [principalId, key, r.status, r.sealed, r.clientIds, r.resourceType, r.resourceId],
    );
  }

  /** Gives the key back while nothing was committed under it (the request may be retried). */
  async releaseInFlight(principalId: string, key: string): Promise<void> {
    await this.dataSource.query(
      `DELETE FROM idempotency_key WHERE principal_id = $1 AND key = $2 AND state = 'in_flight'`,
      [principalId, key],
    );
  }

  async find(principalId: string, key: string): Promise<StoredKey | undefined> {
    const [stored] = (await this.dataSource.query(
      `SELECT route, request_hash, state, response_status, response_sealed,
              client_ids::text[] AS client_ids, resource_type, resource_id,
              created_at < now() - make_interval(secs => ${IN_FLIGHT_STALE_SECONDS}) AS stale
         FROM idempotency_key WHERE principal_id = $1 AND key = $2`,
      [principalId, key],
    )) as StoredKey[];
    return stored;
  }

  /** Which of these clients the principal sees now (its client scope): one statement. */
  async visibleClientIds(principal: Principal, clientIds: string[]): Promise<Set<string>> {
    const scope = clientScope(principal, 'c');
    const [sql, values] = this.dataSource.driver.escapeQueryWithParameters(
      `SELECT c.id::text AS id FROM client c WHERE c.id = ANY(:replayClientIds::uuid[]) AND (${scope.sql})`,
      { ...scope.params, replayClientIds: clientIds },
      {},
    );
    const rows: { id: string }[] = await this.dataSource.query(sql, values);
    return new Set(rows.map((r) => r.id));
  }

  /** Deletes up to `batch` keys older than `hours`, whatever their state; gives how many. */
  async purgeOlderThan(hours: number, batch: number): Promise<number> {
    const [, deleted]: [unknown, number] = await this.dataSource.query(
      `DELETE FROM idempotency_key WHERE ctid IN (SELECT ctid FROM idempotency_key
         WHERE created_at < now() - make_interval(hours => $1) LIMIT ${batch})`,
      [hours],
    );
    return deleted;
  }
}
