import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

import { UserPrincipal } from '../../auth/principal';
import { ValidationError } from '../../common/errors/domain-error';
import { updateVersioned } from '../../common/http/etag';
import { UnitOfWork, WriteTx } from '../audit/unit-of-work';
import { UpdateGroupSessionDto } from './dto/group-session.dto';
import { GroupSessionResponse } from './dto/group-session.response';
import { GroupSessionAccess } from './group-session-access';
import { Attendance, GroupSession, GroupSessionStatus } from './group-session.entity';
import { toGroupSessionResponse } from './group-session.mapper';
import { duplicateAttendeeErrors, groupPeriodErrors } from './group-session.rules';
import { GroupSessionAlreadySignedError, NotGroupFacilitatorError } from './group-sessions.errors';
import { GroupSessionsService, recordGroupContact } from './group-sessions.service';

const UPSERT_ATTENDEE = `INSERT INTO group_session_attendee (group_session_id, client_id, organization_id,
    session_started_at, attendance, participation)
  VALUES ($1, $2, $3, $4, $5, $6)
  ON CONFLICT (group_session_id, client_id)
  DO UPDATE SET attendance = EXCLUDED.attendance, participation = EXCLUDED.participation`;

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
      await updateVersioned(
        m,
        GroupSession,
        { id, organizationId: actor.organizationId },
        expectedVersion,
        {
          startedAt,
          endedAt,
          ...(dto.topic !== undefined ? { topic: dto.topic } : {}),
          ...(dto.setting !== undefined ? { setting: dto.setting } : {}),
        },
      );
      await m.query(
        `UPDATE group_session_attendee SET session_started_at = $2 WHERE group_session_id = $1`,
        [id, startedAt],
      );
      for (const a of attendees) {
        await m.query(UPSERT_ATTENDEE, [
          id,
          a.clientId,
          actor.organizationId,
          startedAt,
          a.attendance ?? Attendance.Attended,
          a.participation,
        ]);
      }
      if (attendees.length > 0) {
        await recordGroupContact(
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
      const [rows] = (await m.query(
        `UPDATE group_session SET status = 'signed', signed_at = now(), version = version + 1,
           updated_at = now() WHERE id = $1 AND status = 'draft' RETURNING id`,
        [id],
      )) as [{ id: string }[], number];
      if (rows.length === 0) throw new GroupSessionAlreadySignedError();
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
    const saved = await tx.manager.findOneByOrFail(GroupSession, { id });
    const visible = (await this.groups.visibleAttendees(actor, [id], tx.manager)).get(id) ?? [];
    for (const entry of this.sessions.sessionEvents(action, id, visible)) tx.audit(entry);
    return toGroupSessionResponse(saved, visible);
  }
}
