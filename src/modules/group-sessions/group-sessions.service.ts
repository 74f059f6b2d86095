import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

import { AccessService } from '../../auth/access.service';
import { Principal, UserPrincipal } from '../../auth/principal';
import { Page, Pager } from '../../common/dto/pagination';
import { FieldError, ValidationError } from '../../common/errors/domain-error';
import { AuditEntry, AuditService } from '../audit/audit.service';
import { UnitOfWork } from '../audit/unit-of-work';
import {
  CreateGroupSessionDto,
  GroupSessionQuery,
  ParticipationQuery,
} from './dto/group-session.dto';
import { GroupParticipationResponse, GroupSessionResponse } from './dto/group-session.response';
import { GroupSessionAccess } from './group-session-access';
import { Attendance, GroupSessionAttendee, GroupSessionStatus } from './group-session.entity';
import { toGroupSessionResponse, toParticipationResponse } from './group-session.mapper';
import { GroupSessionRepository } from './group-session.repository';
import { duplicateAttendeeErrors, groupPeriodErrors } from './group-session.rules';

const throwIfAny = (errors: FieldError[]): void => {
  if (errors.length > 0) throw new ValidationError(errors);
};

/**
 * Peer support groups. Every attendee must be in the creator's scope; every read shows only the
 * attendees the reader may see, and a client's record shows only that client's own entry.
 * Draft corrections and signing: GroupSessionDraftsService.
 */
@Injectable()
export class GroupSessionsService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly repo: GroupSessionRepository,
    private readonly access: AccessService,
    private readonly groups: GroupSessionAccess,
    private readonly audit: AuditService,
  ) {}

  async create(actor: UserPrincipal, dto: CreateGroupSessionDto): Promise<GroupSessionResponse> {
    const clientIds = dto.attendees.map((a) => a.clientId);
    throwIfAny(duplicateAttendeeErrors(clientIds));
    return this.uow.run(actor, async (tx) => {
      const m = tx.manager;
      await this.groups.requireAllInScope(m, actor, clientIds);
      const startedAt = new Date(dto.startedAt);
      const endedAt = new Date(dto.endedAt);
      const facilitatorId = dto.facilitatorId ?? actor.id;
      throwIfAny(groupPeriodErrors(startedAt, endedAt));
      await this.assertFacilitator(m, actor, facilitatorId);
      const session = await this.repo.insertSession(m, {
        organizationId: actor.organizationId,
        topic: dto.topic,
        facilitatorId,
        setting: dto.setting ?? null,
        startedAt,
        endedAt,
        createdById: actor.id,
        status: GroupSessionStatus.Draft,
        signedAt: null,
        version: 1,
      });
      const attendees = await this.repo.insertAttendees(
        m,
        dto.attendees.map((a) => ({
          groupSessionId: session.id,
          clientId: a.clientId,
          organizationId: actor.organizationId,
          sessionStartedAt: startedAt,
          attendance: a.attendance ?? Attendance.Attended,
          participation: a.participation,
        })),
      );
      await this.repo.advanceLastContact(m, clientIds, startedAt);
      for (const clientId of clientIds) {
        tx.audit({
          action: 'group-session.create',
          clientId,
          resourceType: 'GroupSession',
          resourceId: session.id,
        });
      }
      return toGroupSessionResponse(session, attendees);
    });
  }

  /** Sessions in the caller's scope, newest first; each with only the attendees they may see. */
  async list(actor: Principal, query: GroupSessionQuery): Promise<Page<GroupSessionResponse>> {
    const pager = new Pager(query, { principal: actor, list: 'group-sessions' });
    const rows = await this.repo.pageInScope(actor, pager);
    const shown = rows.slice(0, query.limit);
    const attendees = await this.groups.visibleAttendees(
      actor,
      shown.map((g) => g.id),
    );
    await this.audit.recordReads(
      actor,
      { action: 'group-session.list', resourceType: 'GroupSession' },
      [...attendees.values()].flat().map((a) => a.clientId),
    );
    return pager.page(
      rows,
      (g) => ({ key: g.startedAt.toISOString(), id: g.id }),
      (g) => toGroupSessionResponse(g, attendees.get(g.id) ?? []),
    );
  }

  async get(actor: Principal, id: string): Promise<GroupSessionResponse> {
    const session = await this.groups.requireSession(actor, id);
    const visible = (await this.groups.visibleAttendees(actor, [id])).get(id) ?? [];
    for (const entry of this.sessionEvents('group-session.read', id, visible)) {
      await this.audit.recordNow(actor, entry);
    }
    return toGroupSessionResponse(session, visible);
  }

  /** One client's own entries, newest group first; never the other attendees. */
  async participation(
    actor: Principal,
    clientId: string,
    query: ParticipationQuery,
  ): Promise<Page<GroupParticipationResponse>> {
    const pager = new Pager(query, { principal: actor, list: `group-participation:${clientId}` });
    await this.access.requireClient(actor, clientId);
    const rows = await this.repo.pageParticipation(clientId, pager.after, query.limit + 1);
    await this.audit.recordNow(actor, {
      action: 'group-participation.list',
      clientId,
      resourceType: 'GroupSession',
    });
    return pager.page(
      rows,
      (r) => ({ key: r.sessionStartedAt.toISOString(), id: r.groupSessionId }),
      (r) => toParticipationResponse(r.session, r),
    );
  }

  /** One event per visible attendee; one without a client when the caller sees none. */
  sessionEvents(action: string, id: string, visible: GroupSessionAttendee[]): AuditEntry[] {
    const clientIds = visible.length > 0 ? visible.map((a) => a.clientId) : [null];
    return clientIds.map((clientId) => ({
      action,
      clientId,
      resourceType: 'GroupSession',
      resourceId: id,
    }));
  }

  private async assertFacilitator(
    m: EntityManager,
    actor: Principal,
    facilitatorId: string,
  ): Promise<void> {
    if (!(await this.repo.isActiveFacilitator(m, facilitatorId, actor.organizationId)))
      throw new ValidationError([
        {
          field: 'facilitatorId',
          message: 'facilitatorId must be an active specialist of your organization',
        },
      ]);
  }
}
