import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

import { UserPrincipal } from '../../auth/principal';
import { ValidationError } from '../../common/errors/domain-error';
import { UnitOfWork, WriteTx } from '../audit/unit-of-work';
import { UpdateGroupSessionDto } from './dto/group-session.dto';
import { GroupSessionResponse } from './dto/group-session.response';
import { GroupSessionAccess } from './group-session-access';
import { Attendance, GroupSession, GroupSessionStatus } from './group-session.entity';
import { toGroupSessionResponse } from './group-session.mapper';
import { GroupSessionRepository } from './group-session.repository';
import { duplicateAttendeeErrors, groupPeriodErrors } from './group-session.rules';
import { GroupSessionAlreadySignedError, NotGroupFacilitatorError } from './group-sessions.errors';
import { GroupSessionsService } from './group-sessions.service';

/**
 * A group session's lifecycle, as a session note's (SPEC 6): the facilitator (or whoever recorded
 * it) corrects the draft under `If-Match`, then signs it; a signed group is locked (409).
 */
@Injectable()
export class GroupSessionDraftsService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly groups: GroupSessionAccess,
    private readonly sessions: GroupSessionsService,
    private readonly repo: GroupSessionRepository,
  ) {}

  async update(
    actor: UserPrincipal,
    id: string,
    expectedVersion: number,
    dto: UpdateGroupSessionDto,
  ): Promise<GroupSessionResponse> {
    const attendees = dto.attendees ?? [];
    const errors = duplicateAttendeeErrors(attendees.map((a) => a.clientId));
    if (errors.length > 0) throw new ValidationError(errors);
    return this.uow.run(actor, async (tx) => {
      const m = tx.manager;
      const session = await this.requireOwnDraft(m, actor, id);
      const startedAt = dto.startedAt ? new Date(dto.startedAt) : session.startedAt;
      const endedAt = dto.endedAt ? new Date(dto.endedAt) : session.endedAt;
      const periodErrors = groupPeriodErrors(startedAt, endedAt);
      if (periodErrors.length > 0) throw new ValidationError(periodErrors);
      await this.groups.requireAllInScope(
        m,
        actor,
        attendees.map((a) => a.clientId),
      );
      // The version check comes first: a stale edit writes nothing (412), whatever it carries.
      await this.repo.updateDraftVersioned(
        m,
        { id, organizationId: actor.organizationId },
        expectedVersion,
        {
          startedAt,
          endedAt,
          ...(dto.topic !== undefined ? { topic: dto.topic } : {}),
          ...(dto.setting !== undefined ? { setting: dto.setting } : {}),
        },
      );
      await this.repo.moveAttendeesStart(m, id, startedAt);
      for (const a of attendees) {
        await this.repo.upsertAttendee(m, {
          groupSessionId: id,
          clientId: a.clientId,
          organizationId: actor.organizationId,
          sessionStartedAt: startedAt,
          attendance: a.attendance ?? Attendance.Attended,
          participation: a.participation,
        });
      }
      if (attendees.length > 0) {
        await this.repo.advanceLastContact(
          m,
          attendees.map((a) => a.clientId),
          startedAt,
        );
      }
      return this.respond(tx, actor, id, 'group-session.update');
    });
  }

  /** Signs and locks a draft; a second signature (or a race lost) answers 409. */
  async sign(actor: UserPrincipal, id: string): Promise<GroupSessionResponse> {
    return this.uow.run(actor, async (tx) => {
      const m = tx.manager;
      await this.requireOwnDraft(m, actor, id);
      if (!(await this.repo.markSigned(m, id))) throw new GroupSessionAlreadySignedError();
      return this.respond(tx, actor, id, 'group-session.sign');
    });
  }

  private async requireOwnDraft(
    m: EntityManager,
    actor: UserPrincipal,
    id: string,
  ): Promise<GroupSession> {
    const session = await this.groups.requireSession(actor, id, m);
    if (session.status !== GroupSessionStatus.Draft) throw new GroupSessionAlreadySignedError();
    if (session.facilitatorId !== actor.id && session.createdById !== actor.id) {
      throw new NotGroupFacilitatorError();
    }
    return session;
  }

  private async respond(
    tx: WriteTx,
    actor: UserPrincipal,
    id: string,
    action: string,
  ): Promise<GroupSessionResponse> {
    const saved = await this.repo.findById(tx.manager, id);
    const visible = (await this.groups.visibleAttendees(actor, [id], tx.manager)).get(id) ?? [];
    for (const entry of this.sessions.sessionEvents(action, id, visible)) tx.audit(entry);
    return toGroupSessionResponse(saved, visible);
  }
}
