import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

import { clientScope, groupSessionScope } from '../../auth/access/scope.sql';
import { Principal } from '../../auth/principal';
import { pageNewestFirst } from '../../common/dto/keyset';
import { Keyset, Pager } from '../../common/dto/pagination';
import { updateVersioned } from '../../common/http/etag';
import { Attendance, GroupSession, GroupSessionAttendee } from './group-session.entity';

const UPSERT_ATTENDEE = `INSERT INTO group_session_attendee (group_session_id, client_id, organization_id,
    session_started_at, attendance, participation)
  VALUES ($1, $2, $3, $4, $5, $6)
  ON CONFLICT (group_session_id, client_id)
  DO UPDATE SET attendance = EXCLUDED.attendance, participation = EXCLUDED.participation`;

/** An attendee row as written by a draft correction. */
export interface AttendeeUpsert {
  groupSessionId: string;
  clientId: string;
  organizationId: string;
  sessionStartedAt: Date;
  attendance: Attendance;
  participation: string;
}

/** Every statement of group sessions and their attendees; scopes from src/auth/access/. */
@Injectable()
export class GroupSessionRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The primary's manager, for the reads a request makes outside a write. */
  get manager(): EntityManager {
    return this.dataSource.manager;
  }

  insertSession(m: EntityManager, session: Partial<GroupSession>): Promise<GroupSession> {
    return m.save(m.create(GroupSession, session));
  }

  /** The attendee rows, in one INSERT; the entities written. */
  async insertAttendees(
    m: EntityManager,
    rows: Partial<GroupSessionAttendee>[],
  ): Promise<GroupSessionAttendee[]> {
    const attendees = rows.map((a) => m.create(GroupSessionAttendee, a));
    await m.insert(GroupSessionAttendee, attendees);
    return attendees;
  }

  /** Attending a group is a contact: "last contact" moves forward, never back. */
  async advanceLastContact(m: EntityManager, clientIds: string[], startedAt: Date): Promise<void> {
    await m.query(
      `UPDATE client SET last_contact_at = GREATEST(last_contact_at, $2) WHERE id = ANY($1::uuid[])`,
      [clientIds, startedAt],
    );
  }

  /** True when the user is an active specialist or supervisor of the organization. */
  async isActiveFacilitator(
    m: EntityManager,
    userId: string,
    organizationId: string,
  ): Promise<boolean> {
    const [row] = await m.query(
      `SELECT EXISTS (SELECT 1 FROM app_user WHERE id = $1 AND organization_id = $2 AND active
         AND role IN ('peer_specialist', 'supervisor')) AS ok`,
      [userId, organizationId],
    );
    return row.ok;
  }

  /** A page of the sessions in the caller's scope, newest first. */
  pageInScope(actor: Principal, pager: Pager): Promise<GroupSession[]> {
    const qb = this.dataSource
      .getRepository(GroupSession)
      .createQueryBuilder('g')
      .where('g.organization_id = :org', { org: actor.organizationId });
    const scope = groupSessionScope(actor, 'g');
    qb.andWhere(`(${scope.sql})`, scope.params);
    return pageNewestFirst(qb, 'g', pager, 'started_at').getMany();
  }

  /** A page of one client's own attendee rows with their sessions, newest group first. */
  async pageParticipation(
    clientId: string,
    after: Keyset | undefined,
    limit: number,
  ): Promise<(GroupSessionAttendee & { session: GroupSession })[]> {
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
    return (await qb
      .orderBy('ga.sessionStartedAt', 'DESC')
      .addOrderBy('ga.groupSessionId', 'DESC')
      .limit(limit)
      .getMany()) as (GroupSessionAttendee & { session: GroupSession })[];
  }

  /** The session of the organization when the caller may see it, or null. */
  findInScope(m: EntityManager, actor: Principal, id: string): Promise<GroupSession | null> {
    const qb = m
      .getRepository(GroupSession)
      .createQueryBuilder('g')
      .where('g.id = :id AND g.organization_id = :org', { id, org: actor.organizationId });
    const scope = groupSessionScope(actor, 'g');
    return qb.andWhere(`(${scope.sql})`, scope.params).getOne();
  }

  /** The attendees of `sessionIds` in the caller's client scope, by client, in one statement. */
  attendeesInScope(
    m: EntityManager,
    actor: Principal,
    sessionIds: string[],
  ): Promise<GroupSessionAttendee[]> {
    const qb = m
      .getRepository(GroupSessionAttendee)
      .createQueryBuilder('ga')
      .innerJoin('client', 'c', 'c.id = ga.client_id')
      .where('ga.group_session_id = ANY(:sessionIds::uuid[])', { sessionIds })
      .orderBy('ga.client_id');
    const scope = clientScope(actor, 'c');
    return qb.andWhere(`(${scope.sql})`, scope.params).getMany();
  }

  /** Those of `clientIds` in the caller's scope. */
  async clientIdsInScope(
    m: EntityManager,
    actor: Principal,
    clientIds: string[],
  ): Promise<string[]> {
    const qb = m
      .createQueryBuilder()
      .select('c.id', 'id')
      .from('client', 'c')
      .where('c.id = ANY(:clientIds::uuid[])', { clientIds });
    const scope = clientScope(actor, 'c');
    return (await qb.andWhere(`(${scope.sql})`, scope.params).getRawMany<{ id: string }>()).map(
      (r) => r.id,
    );
  }

  /** The draft's own fields under If-Match (412 when stale, 404 when gone). */
  updateDraftVersioned(
    m: EntityManager,
    where: { id: string; organizationId: string },
    expectedVersion: number,
    patch: Partial<GroupSession>,
  ): Promise<void> {
    return updateVersioned(m, GroupSession, where, expectedVersion, patch);
  }

  /** The attendees follow the session's start (their rows carry it for the timeline). */
  async moveAttendeesStart(m: EntityManager, id: string, startedAt: Date): Promise<void> {
    await m.query(
      `UPDATE group_session_attendee SET session_started_at = $2 WHERE group_session_id = $1`,
      [id, startedAt],
    );
  }

  /** Adds the attendee, or corrects their attendance and participation. */
  async upsertAttendee(m: EntityManager, a: AttendeeUpsert): Promise<void> {
    await m.query(UPSERT_ATTENDEE, [
      a.groupSessionId,
      a.clientId,
      a.organizationId,
      a.sessionStartedAt,
      a.attendance,
      a.participation,
    ]);
  }

  /** draft -> signed; false when it was no longer a draft. */
  async markSigned(m: EntityManager, id: string): Promise<boolean> {
    const [rows] = (await m.query(
      `UPDATE group_session SET status = 'signed', signed_at = now(), version = version + 1,
         updated_at = now() WHERE id = $1 AND status = 'draft' RETURNING id`,
      [id],
    )) as [{ id: string }[], number];
    return rows.length > 0;
  }

  findById(m: EntityManager, id: string): Promise<GroupSession> {
    return m.findOneByOrFail(GroupSession, { id });
  }
}
