import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

import { AccessService } from '../../auth/access.service';
import { correlationOf, UserPrincipal } from '../../auth/principal';
import { pageNewestFirst } from '../../common/dto/keyset';
import { PageQuery } from '../../common/dto/page.query';
import { Page, Pager } from '../../common/dto/pagination';
import { DomainError, NotFoundError, ValidationError } from '../../common/errors/domain-error';
import { staleError } from '../../common/http/etag';
import { AuditService } from '../audit/audit.service';
import { UnitOfWork } from '../audit/unit-of-work';
import { WebhookEventsService } from '../webhooks/webhook-events.service';
import { ConsentResponse, CreateConsentDto } from './dto/consent.dto';

interface ConsentRow {
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

// A signature time a little ahead of the server's clock (a tablet's clock) is accepted.
const CLOCK_SKEW_MS = 60_000;

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

const toConsentResponse = (r: ConsentRow): ConsentResponse => ({
  id: r.id,
  clientId: r.clientId,
  recipientId: r.recipientId,
  purposes: r.purposes,
  categories: r.categories,
  effectiveAt: r.effectiveAt.toISOString(),
  expiresAt: r.expiresAt.toISOString(),
  signedAt: r.signedAt.toISOString(),
  signatureMethod: r.signatureMethod,
  revokedAt: iso(r.revokedAt),
  revocationReason: r.revocationReason,
  status: r.status,
  createdById: r.createdById,
  createdAt: r.createdAt.toISOString(),
  version: r.version,
});

/**
 * Part 2 consents of a client (SPEC 8), recorded and revoked by the staff who work with the client.
 * The recipient is an active API client of the organization. Every read and write is audited.
 */
@Injectable()
export class ConsentsService {
  constructor(
    private readonly uow: UnitOfWork,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly access: AccessService,
    private readonly audit: AuditService,
    private readonly webhookEvents: WebhookEventsService,
  ) {}

  async create(
    actor: UserPrincipal,
    clientId: string,
    dto: CreateConsentDto,
  ): Promise<ConsentResponse> {
    const now = Date.now();
    const effectiveAt = dto.effectiveAt ? new Date(dto.effectiveAt) : new Date(now);
    const expiresAt = new Date(dto.expiresAt);
    const signedAt = new Date(dto.signedAt);
    const errors: { field: string; message: string }[] = [];
    if (expiresAt.getTime() <= now) {
      errors.push({ field: 'expiresAt', message: 'expiresAt must be in the future' });
    } else if (expiresAt <= effectiveAt) {
      errors.push({ field: 'expiresAt', message: 'expiresAt must be after effectiveAt' });
    }
    if (signedAt.getTime() > now + CLOCK_SKEW_MS) {
      errors.push({ field: 'signedAt', message: 'signedAt must not be in the future' });
    }
    if (errors.length > 0) throw new ValidationError(errors);
    return this.uow.run(actor, async (tx) => {
      const m = tx.manager;
      await this.access.requireClient(actor, clientId, m, true);
      const [recipient] = await m.query(
        `SELECT 1 FROM api_client WHERE id = $1 AND organization_id = $2 AND active`,
        [dto.recipientId, actor.organizationId],
      );
      if (!recipient) {
        throw new ValidationError([
          {
            field: 'recipientId',
            message: 'recipientId must be an active API client of your organization',
          },
        ]);
      }
      const [row] = await m.query(
        `INSERT INTO consent (organization_id, client_id, recipient_id, purposes, categories, effective_at,
           expires_at, signed_at, signature_method, created_by_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING ${consentColumns('')}`,
        [
          actor.organizationId,
          clientId,
          dto.recipientId,
          dto.purposes,
          dto.categories,
          effectiveAt,
          expiresAt,
          signedAt,
          dto.signatureMethod,
          actor.id,
        ],
      );
      tx.audit({
        action: 'consent.create',
        clientId,
        resourceType: 'Consent',
        resourceId: row.id,
      });
      return toConsentResponse(row);
    });
  }

  async list(
    actor: UserPrincipal,
    clientId: string,
    query: PageQuery,
  ): Promise<Page<ConsentResponse>> {
    const pager = new Pager(query, { principal: actor, list: `consents:${clientId}` });
    await this.access.requireClient(actor, clientId);
    const qb = this.dataSource.manager
      .createQueryBuilder()
      .select(consentColumns('k.'))
      .from('consent', 'k')
      .where('k.client_id = :clientId', { clientId });
    const rows = await pageNewestFirst(qb, 'k', pager).getRawMany<ConsentRow>();
    await this.audit.recordNow(actor, {
      action: 'consent.list',
      clientId,
      resourceType: 'Consent',
    });
    return pager.page(rows, (r) => ({ key: r.createdAtKey, id: r.id }), toConsentResponse);
  }

  /**
   * Revokes now; disclosures under it stop. `clientId` is given by the nested alias route and must
   * be the consent's. `expectedVersion` (If-Match, optional like the other actions) must be
   * current: 412 otherwise. 409 when already revoked or expired. The reason is stored on the
   * consent, never copied into the audit log (free text may hold PHI); the audit event names it.
   */
  async revoke(
    actor: UserPrincipal,
    target: { consentId: string; clientId?: string },
    input: { reason?: string; expectedVersion?: number },
  ): Promise<ConsentResponse> {
    return this.uow.run(actor, async (tx) => {
      const m = tx.manager;
      const [found] = (await m.query(
        `SELECT client_id AS "clientId", version FROM consent WHERE id = $1 AND organization_id = $2`,
        [target.consentId, actor.organizationId],
      )) as { clientId: string; version: number }[];
      const clientId = await this.consentClient(actor, m, target, found?.clientId);
      const [rows] = (await m.query(
        `UPDATE consent SET revoked_at = now(), revoked_by_id = $2, revocation_reason = $3,
           version = version + 1
          WHERE id = $1 AND revoked_at IS NULL AND expires_at > now()
            AND ($4::int IS NULL OR version = $4)
          RETURNING ${consentColumns('')}`,
        [target.consentId, actor.id, input.reason ?? null, input.expectedVersion ?? null],
      )) as [ConsentRow[], number];
      if (rows.length === 0) {
        if (input.expectedVersion !== undefined && input.expectedVersion !== found.version) {
          throw staleError();
        }
        throw new DomainError('INVALID_TRANSITION', 'This consent is already revoked or expired.');
      }
      tx.audit({
        action: 'consent.revoke',
        clientId,
        resourceType: 'Consent',
        resourceId: target.consentId,
      });
      await this.webhookEvents.emit(m, {
        organizationId: actor.organizationId,
        type: 'consent.revoked',
        clientId,
        resource: { type: 'Consent', id: target.consentId },
        data: { consentId: target.consentId },
        recipientId: rows[0].recipientId,
        correlationId: correlationOf(actor),
      });
      return toConsentResponse(rows[0]);
    });
  }

  /** The consent's client when the caller may reach it; 404 alike for missing and out of scope. */
  private async consentClient(
    actor: UserPrincipal,
    m: EntityManager,
    target: { consentId: string; clientId?: string },
    foundClientId: string | undefined,
  ): Promise<string> {
    if (target.clientId) {
      await this.access.requireClient(actor, target.clientId, m);
      if (foundClientId !== target.clientId) throw new NotFoundError('Consent');
      return target.clientId;
    }
    if (!foundClientId) throw new NotFoundError('Consent');
    await this.access.requireClient(actor, foundClientId, m).catch((err: unknown) => {
      throw err instanceof NotFoundError ? new NotFoundError('Consent') : err;
    });
    return foundClientId;
  }
}
