import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

import { pageNewestFirst } from '../../common/dto/keyset';
import { Pager } from '../../common/dto/pagination';
import { ConsentResponse } from './dto/consent.dto';

/** A consent as the API shows it (`status` computed now). */
export interface ConsentRow {
  id: string;
  clientId: string;
  recipientId: string;
  purposes: string[];
  categories: string[];
  effectiveAt: Date;
  expiresAt: Date;
  signedAt: Date;
  signatureMethod: string;
  revokedAt: Date | null;
  revocationReason: string | null;
  version: number;
  status: ConsentResponse['status'];
  createdById: string | null;
  createdAt: Date;
  createdAtKey: string;
}

// The columns of a consent row, qualified by `p` (an alias and dot, or '' in RETURNING).
const consentColumns = (p: string): string =>
  [
    `${p}id AS id`,
    `${p}client_id AS "clientId"`,
    `${p}recipient_id AS "recipientId"`,
    `${p}purposes AS purposes`,
    `${p}categories AS categories`,
    `${p}effective_at AS "effectiveAt"`,
    `${p}expires_at AS "expiresAt"`,
    `${p}signed_at AS "signedAt"`,
    `${p}signature_method AS "signatureMethod"`,
    `${p}revoked_at AS "revokedAt"`,
    `${p}revocation_reason AS "revocationReason"`,
    `${p}version AS version`,
    `CASE WHEN ${p}revoked_at IS NOT NULL THEN 'revoked' WHEN ${p}expires_at <= now() THEN 'expired'
      WHEN ${p}effective_at > now() THEN 'pending' ELSE 'active' END AS status`,
    `${p}created_by_id AS "createdById"`,
    `${p}created_at AS "createdAt"`,
    `to_char(${p}created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "createdAtKey"`,
  ].join(', ');

/** A consent to record (the caller checked the dates). */
export type NewConsent = Pick<
  ConsentRow,
  | 'clientId'
  | 'recipientId'
  | 'purposes'
  | 'categories'
  | 'effectiveAt'
  | 'expiresAt'
  | 'signedAt'
  | 'signatureMethod'
> & { organizationId: string; createdById: string };

/** The SQL of Part 2 consents (SPEC 8). */
@Injectable()
export class ConsentRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Whether the API client is an active one of the organization (a consent's recipient). */
  async isActiveRecipient(
    m: EntityManager,
    recipientId: string,
    organizationId: string,
  ): Promise<boolean> {
    const [recipient] = await m.query(
      `SELECT 1 FROM api_client WHERE id = $1 AND organization_id = $2 AND active`,
      [recipientId, organizationId],
    );
    return Boolean(recipient);
  }

  async insert(m: EntityManager, c: NewConsent): Promise<ConsentRow> {
    const [row] = await m.query(
      `INSERT INTO consent (organization_id, client_id, recipient_id, purposes, categories, effective_at,
           expires_at, signed_at, signature_method, created_by_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING ${consentColumns('')}`,
      [
        c.organizationId,
        c.clientId,
        c.recipientId,
        c.purposes,
        c.categories,
        c.effectiveAt,
        c.expiresAt,
        c.signedAt,
        c.signatureMethod,
        c.createdById,
      ],
    );
    return row;
  }

  /** One page of the client's consents, newest first. */
  pageForClient(clientId: string, pager: Pager): Promise<ConsentRow[]> {
    const qb = this.dataSource.manager
      .createQueryBuilder()
      .select(consentColumns('k.'))
      .from('consent', 'k')
      .where('k.client_id = :clientId', { clientId });
    return pageNewestFirst(qb, 'k', pager).getRawMany<ConsentRow>();
  }

  /** The consent's client and version, if it is one of the organization's. */
  async findOwner(
    m: EntityManager,
    consentId: string,
    organizationId: string,
  ): Promise<{ clientId: string; version: number } | undefined> {
    const [found] = (await m.query(
      `SELECT client_id AS "clientId", version FROM consent WHERE id = $1 AND organization_id = $2`,
      [consentId, organizationId],
    )) as { clientId: string; version: number }[];
    return found;
  }

  /**
   * Revokes the consent when in force (and at `expectedVersion` when given); returns it then,
   * else undefined.
   */
  async revoke(
    m: EntityManager,
    consentId: string,
    revokedById: string,
    reason: string | null,
    expectedVersion: number | null,
  ): Promise<ConsentRow | undefined> {
    const [rows] = (await m.query(
      `UPDATE consent SET revoked_at = now(), revoked_by_id = $2, revocation_reason = $3,
           version = version + 1
          WHERE id = $1 AND revoked_at IS NULL AND expires_at > now()
            AND ($4::int IS NULL OR version = $4)
          RETURNING ${consentColumns('')}`,
      [consentId, revokedById, reason, expectedVersion],
    )) as [ConsentRow[], number];
    return rows[0];
  }
}
