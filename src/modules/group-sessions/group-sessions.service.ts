import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

import { AccessService } from '../../auth/access.service';
import { Principal, UserPrincipal } from '../../auth/principal';
import { Page, Pager } from '../../common/dto/pagination';
import { NotFoundError, ValidationError } from '../../common/errors/domain-error';
import { AuditService } from '../audit/audit.service';
import { CreateGroupSessionDto, ParticipationQuery } from './dto/group-session.dto';
import { GroupParticipationResponse, GroupSessionResponse } from './dto/group-session.response';
import { Attendance, GroupSession, GroupSessionAttendee } from './group-session.entity';
import { toGroupSessionResponse, toParticipationResponse } from './group-session.mapper';

const MAX_SESSION_MS = 24 * 3600_000;

/**
 * Peer support groups. Every attendee must be in the creator's scope; every read shows only the
 * attendees the reader may see, and a client's record shows only that client's own entry.
 */
@Injectable()
export class GroupSessionsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly access: AccessService,
    private readonly audit: AuditService,
  ) {}

  async create(actor: UserPrincipal, dto: CreateGroupSessionDto): Promise<GroupSessionResponse> {
    const clientIds = dto.attendees.map((a) => a.clientId);
    if (new Set(clientIds).size !== clientIds.length) {
      throw new ValidationError([
        { field: 'attendees', message: 'each client may be listed once' },
      ]);
    }
    return this.dataSource.transaction(async (m) => {
      await this.requireAllInScope(m, actor, clientIds);
      const startedAt = new Date(dto.startedAt);
      const endedAt = new Date(dto.endedAt);
      const facilitatorId = dto.facilitatorId ?? actor.id;
      await this.assertValid(m, actor, facilitatorId, startedAt, endedAt);
      const session = await m.save(
        m.create(GroupSession, {
          organizationId: actor.organizationId,
          topic: dto.topic,
          facilitatorId,
          setting: dto.setting ?? null,
          startedAt,
          endedAt,
          createdById: actor.id,
          version: 1,
        }),
      );
      const attendees = dto.attendees.map((a) =>
        m.create(GroupSessionAttendee, {
          groupSessionId: session.id,
          clientId: a.clientId,
          organizationId: actor.organizationId,
          sessionStartedAt: startedAt,
          attendance: a.attendance ?? Attendance.Attended,
          participation: a.participation,
        }),
      );
      await m.insert(GroupSessionAttendee, attendees);
      // Attending a group is a contact: "last contact" moves forward, never back.
      await m.query(
        `UPDATE client SET last_contact_at = GREATEST(last_contact_at, $2) WHERE id = ANY($1::uuid[])`,
        [clientIds, startedAt],
      );
      for (const clientId of clientIds) {
        await this.audit.record(m, actor, {
          action: 'group-session.create',
          clientId,
          resourceType: 'GroupSession',
          resourceId: session.id,
        });
      }
      return toGroupSessionResponse(session, attendees);
    });
  }

  async get(actor: Principal, id: string): Promise<GroupSessionResponse> {
    const session = await this.dataSource
      .getRepository(GroupSession)
      .findOneBy({ id, organizationId: actor.organizationId });
    if (!session) throw new NotFoundError('Group session');
    const qb = this.dataSource
      .getRepository(GroupSessionAttendee)
      .createQueryBuilder('ga')
      .innerJoin('client', 'c', 'c.id = ga.client_id')
      .where('ga.group_session_id = :id', { id })
      .orderBy('ga.client_id');
    const visible = await this.access.scopeClients(qb, actor, 'c').getMany();
    const ownSession = session.facilitatorId === actor.id || session.createdById === actor.id;
    if (visible.length === 0 && !ownSession) throw new NotFoundError('Group session');
    await this.dataSource.transaction(async (m) => {
      const clientIds = visible.length > 0 ? visible.map((a) => a.clientId) : [null];
      for (const clientId of clientIds) {
        await this.audit.record(m, actor, {
          action: 'group-session.read',
          clientId,
          resourceType: 'GroupSession',
          resourceId: id,
        });
      }
    });
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
    const after = pager.after;
    const qb = this.dataSource
      .getRepository(GroupSessionAttendee)
      .createQueryBuilder('ga')
      .innerJoinAndMapOne('ga.session', GroupSession, 'g', 'g.id = ga.group_session_id')
      .where('ga.client_id = :clientId', { clientId });
    if (after) {
      qb.andWhere(
        '(ga.session_started_at, ga.group_session_id) < (:afterKey::timestamptz, :afterId::uuid)',
        {
          afterKey: after.key,
          afterId: after.id,
        },
      );
    }
    const rows = (await qb
      .orderBy('ga.sessionStartedAt', 'DESC')
      .addOrderBy('ga.groupSessionId', 'DESC')
      .limit(query.limit + 1)
      .getMany()) as (GroupSessionAttendee & { session: GroupSession })[];
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

  /** Every attendee in the caller's scope, else 404 for the first that is not (no hint which). */
  private async requireAllInScope(
    m: EntityManager,
    actor: Principal,
    clientIds: string[],
  ): Promise<void> {
    const qb = m
      .createQueryBuilder()
      .select('c.id', 'id')
      .from('client', 'c')
      .where('c.id = ANY(:clientIds::uuid[])', { clientIds });
    const found = new Set(
      (await this.access.scopeClients(qb, actor, 'c').getRawMany<{ id: string }>()).map(
        (r) => r.id,
      ),
    );
    const missing = clientIds.find((id) => !found.has(id));
    if (missing) await this.access.requireClient(actor, missing, m);
  }

  private async assertValid(
    m: EntityManager,
    actor: Principal,
    facilitatorId: string,
    startedAt: Date,
    endedAt: Date,
  ): Promise<void> {
    if (endedAt < startedAt)
      throw new ValidationError([
        { field: 'endedAt', message: 'endedAt must not be before startedAt' },
      ]);
    if (endedAt.getTime() - startedAt.getTime() > MAX_SESSION_MS) {
      throw new ValidationError([
        { field: 'endedAt', message: 'a session must not last more than 24 hours' },
      ]);
    }
    const [row] = await m.query(
      `SELECT EXISTS (SELECT 1 FROM app_user WHERE id = $1 AND organization_id = $2 AND active
         AND role IN ('peer_specialist', 'supervisor')) AS ok`,
      [facilitatorId, actor.organizationId],
    );
    if (!row.ok)
      throw new ValidationError([
        {
          field: 'facilitatorId',
          message: 'facilitatorId must be an active specialist of your organization',
        },
      ]);
  }
}
