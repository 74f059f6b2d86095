import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

import { AccessService } from '../../auth/access.service';
import { UserPrincipal } from '../../auth/principal';
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
import { AssignmentRow, ClientRepository, CoverageRow } from './client.repository';

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
    private readonly clients: ClientRepository,
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
      await this.clients.lockForUpdate(m, clientId);
      const row = await this.clients.replaceAssignment(
        m,
        clientId,
        dto.specialistId,
        actor.id,
        dto.reason ?? null,
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
    const rows = await this.clients.pageAssignments(clientId, pager);
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
      const row = await this.clients.insertCoverage(m, {
        clientId,
        specialistId: dto.specialistId,
        createdById: actor.id,
        startsAt,
        endsAt,
      });
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
    const rows = await this.clients.pageCoverage(clientId, pager);
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
      const revoked = await this.clients.revokeCoverage(m, clientId, coverageId);
      if (!revoked) {
        if (!(await this.clients.coverageExists(m, clientId, coverageId)))
          throw new NotFoundError('Coverage');
        throw new DomainError('INVALID_TRANSITION', 'This coverage has already ended.');
      }
      tx.audit({
        action: 'client.coverage.end',
        clientId,
        resourceType: 'ClientCoverage',
        resourceId: coverageId,
      });
      return toCoverageResponse(revoked);
    });
  }

  // The client, and the open follow-ups its owner works, move to the new specialist together.
  private async moveClient(
    m: EntityManager,
    clientId: string,
    specialistId: string,
  ): Promise<void> {
    await this.clients.setPrimarySpecialist(m, clientId, specialistId);
    await this.followUps.reassignOpenForClient(m, clientId, specialistId);
  }
}
