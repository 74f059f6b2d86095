import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

import { coverageInForce } from '../../auth/access/scope.sql';
import { AccessService } from '../../auth/access.service';
import { UserPrincipal } from '../../auth/principal';
import { pageNewestFirst } from '../../common/dto/keyset';
import { PageQuery } from '../../common/dto/page.query';
import { Page, Pager } from '../../common/dto/pagination';
import { DomainError, NotFoundError, ValidationError } from '../../common/errors/domain-error';
import { AuditService } from '../audit/audit.service';
import { UnitOfWork } from '../audit/unit-of-work';
import { FollowUpsService } from '../follow-ups/follow-ups.service';
import { CaseloadRulesService } from '../specialists/caseload-rules.service';
import {
  AssignmentResponse,
  CoverageResponse,
  CreateAssignmentDto,
  CreateCoverageDto,
} from './dto/assignment.dto';

interface CoverageRow {
  id: string;
  clientId: string;
  specialistId: string;
  createdById: string | null;
  startsAt: Date;
  endsAt: Date;
  revokedAt: Date | null;
  active: boolean;
  createdAt: Date;
  startsAtKey: string;
}

// The columns of a coverage row, qualified by `p` (an alias and dot, or '' in RETURNING).
const coverageColumns = (p: string): string =>
  [
    `${p}id AS id`,
    `${p}client_id AS "clientId"`,
    `${p}specialist_id AS "specialistId"`,
    `${p}created_by_id AS "createdById"`,
    `${p}starts_at AS "startsAt"`,
    `${p}ends_at AS "endsAt"`,
    `${p}revoked_at AS "revokedAt"`,
    `(${coverageInForce(p.replace(/\.$/, ''))}) AS active`,
    `${p}created_at AS "createdAt"`,
    `to_char(${p}starts_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "startsAtKey"`,
  ].join(', ');

const toCoverageResponse = (r: CoverageRow): CoverageResponse => ({
  id: r.id,
  clientId: r.clientId,
  specialistId: r.specialistId,
  createdById: r.createdById,
  startsAt: r.startsAt.toISOString(),
  endsAt: r.endsAt.toISOString(),
  revokedAt: r.revokedAt ? r.revokedAt.toISOString() : null,
  active: r.active,
  createdAt: r.createdAt.toISOString(),
});

interface AssignmentRow {
  id: string;
  clientId: string;
  specialistId: string | null;
  assignedById: string | null;
  reason: string | null;
  startedAt: Date;
  endedAt: Date | null;
  startedAtKey: string;
}

// The columns of an assignment row, qualified by `p` (an alias and dot, or '' in RETURNING).
const assignmentColumns = (p: string): string[] => [
  `${p}id AS id`,
  `${p}client_id AS "clientId"`,
  `${p}specialist_id AS "specialistId"`,
  `${p}assigned_by_id AS "assignedById"`,
  `${p}reason AS reason`,
  `${p}started_at AS "startedAt"`,
  `${p}ended_at AS "endedAt"`,
  `to_char(${p}started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "startedAtKey"`,
];

const toAssignmentResponse = (r: AssignmentRow): AssignmentResponse => ({
  id: r.id,
  clientId: r.clientId,
  specialistId: r.specialistId,
  assignedById: r.assignedById,
  reason: r.reason,
  startedAt: r.startedAt.toISOString(),
  endedAt: r.endedAt ? r.endedAt.toISOString() : null,
});

/** Primary assignment (with its history) and time-boxed coverage: supervisors' work. */
@Injectable()
export class ClientAssignmentsService {
  constructor(
    private readonly uow: UnitOfWork,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly access: AccessService,
    private readonly audit: AuditService,
    private readonly rules: CaseloadRulesService,
    private readonly followUps: FollowUpsService,
  ) {}

  async assign(
    actor: UserPrincipal,
    clientId: string,
    dto: CreateAssignmentDto,
  ): Promise<AssignmentResponse> {
    return this.uow.run(actor, async (tx) => {
      const m = tx.manager;
      await this.access.requireClient(actor, clientId, m);
      await this.rules.requireAssignable(m, actor, dto.specialistId);
      if (!dto.overrideCaseloadCap) await this.rules.assertUnderCap(m, dto.specialistId, clientId);
      await m.query(`SELECT 1 FROM client WHERE id = $1 FOR UPDATE`, [clientId]);
      await m.query(
        `UPDATE client_assignment SET ended_at = now() WHERE client_id = $1 AND ended_at IS NULL`,
        [clientId],
      );
      const [row] = await m.query(
        `INSERT INTO client_assignment (client_id, specialist_id, assigned_by_id, reason) VALUES ($1, $2, $3, $4)
         RETURNING ${assignmentColumns('').join(', ')}`,
        [clientId, dto.specialistId, actor.id, dto.reason ?? null],
      );
      await this.moveClient(m, clientId, dto.specialistId);
      tx.audit({
        action: 'client.assign',
        clientId,
        resourceType: 'ClientAssignment',
        resourceId: row.id,
      });
      return toAssignmentResponse(row);
    });
  }

  async history(
    actor: UserPrincipal,
    clientId: string,
    query: PageQuery,
  ): Promise<Page<AssignmentResponse>> {
    const pager = new Pager(query, { principal: actor, list: `assignments:${clientId}` });
    await this.access.requireClient(actor, clientId);
    const qb = this.dataSource.manager
      .createQueryBuilder()
      .select(assignmentColumns('a.'))
      .from('client_assignment', 'a')
      .where('a.client_id = :clientId', { clientId });
    const rows = await pageNewestFirst(qb, 'a', pager, 'started_at').getRawMany<AssignmentRow>();
    await this.audit.recordNow(actor, {
      action: 'client.assignment.list',
      clientId,
      resourceType: 'ClientAssignment',
    });
    return pager.page(rows, (r) => ({ key: r.startedAtKey, id: r.id }), toAssignmentResponse);
  }

  async cover(
    actor: UserPrincipal,
    clientId: string,
    dto: CreateCoverageDto,
  ): Promise<CoverageResponse> {
    const startsAt = dto.startsAt ? new Date(dto.startsAt) : new Date();
    const endsAt = new Date(dto.endsAt);
    if (endsAt <= new Date())
      throw new ValidationError([{ field: 'endsAt', message: 'endsAt must be in the future' }]);
    if (endsAt <= startsAt)
      throw new ValidationError([{ field: 'endsAt', message: 'endsAt must be after startsAt' }]);
    return this.uow.run(actor, async (tx) => {
      const m = tx.manager;
      await this.access.requireClient(actor, clientId, m);
      await this.rules.requireAssignable(m, actor, dto.specialistId);
      const [row] = await m.query(
        `INSERT INTO client_coverage (client_id, specialist_id, created_by_id, starts_at, ends_at)
         VALUES ($1, $2, $3, $4, $5) RETURNING ${coverageColumns('')}`,
        [clientId, dto.specialistId, actor.id, startsAt, endsAt],
      );
      tx.audit({
        action: 'client.cover',
        clientId,
        resourceType: 'ClientCoverage',
        resourceId: row.id,
      });
      return toCoverageResponse(row);
    });
  }

  /** Every coverage of the client, current, future, ended and revoked; newest start first. */
  async coverage(
    actor: UserPrincipal,
    clientId: string,
    query: PageQuery,
  ): Promise<Page<CoverageResponse>> {
    const pager = new Pager(query, { principal: actor, list: `coverage:${clientId}` });
    await this.access.requireClient(actor, clientId);
    const qb = this.dataSource.manager
      .createQueryBuilder()
      .select(coverageColumns('v.'))
      .from('client_coverage', 'v')
      .where('v.client_id = :clientId', { clientId });
    const rows = await pageNewestFirst(qb, 'v', pager, 'starts_at').getRawMany<CoverageRow>();
    await this.audit.recordNow(actor, {
      action: 'client.coverage.list',
      clientId,
      resourceType: 'ClientCoverage',
    });
    return pager.page(rows, (r) => ({ key: r.startsAtKey, id: r.id }), toCoverageResponse);
  }

  /** Ends a coverage now (the colleague is back early): access stops with it. 409 once ended. */
  async endCoverage(
    actor: UserPrincipal,
    clientId: string,
    coverageId: string,
  ): Promise<CoverageResponse> {
    return this.uow.run(actor, async (tx) => {
      const m = tx.manager;
      await this.access.requireClient(actor, clientId, m);
      const [rows] = (await m.query(
        `UPDATE client_coverage SET revoked_at = now()
          WHERE id = $1 AND client_id = $2 AND revoked_at IS NULL AND ends_at > now()
          RETURNING ${coverageColumns('')}`,
        [coverageId, clientId],
      )) as [CoverageRow[], number];
      if (rows.length === 0) {
        const [found] = await m.query(
          `SELECT 1 FROM client_coverage WHERE id = $1 AND client_id = $2`,
          [coverageId, clientId],
        );
        if (!found) throw new NotFoundError('Coverage');
        throw new DomainError('INVALID_TRANSITION', 'This coverage has already ended.');
      }
      tx.audit({
        action: 'client.coverage.end',
        clientId,
        resourceType: 'ClientCoverage',
        resourceId: coverageId,
      });
      return toCoverageResponse(rows[0]);
    });
  }

  // The client, and the open follow-ups its owner works, move to the new specialist together.
  private async moveClient(
    m: EntityManager,
    clientId: string,
    specialistId: string,
  ): Promise<void> {
    await m.query(
      `UPDATE client SET primary_specialist_id = $2, needs_reassignment = false, version = version + 1, updated_at = now()
       WHERE id = $1`,
      [clientId, specialistId],
    );
    await this.followUps.reassignOpenForClient(m, clientId, specialistId);
  }
}
