import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

import { AccessService } from '../../auth/access.service';
import { Principal } from '../../auth/principal';
import { GroupSession, GroupSessionAttendee } from './group-session.entity';
import { GroupSessionNotFoundError } from './group-sessions.errors';

/**
 * Which group sessions and which attendees a caller may see: the scope fragments of
 * `src/auth/access/` applied to sessions and to attendee rows. A reader is shown only the
 * attendees in their own client scope, whoever else was in the room.
 */
@Injectable()
export class GroupSessionAccess {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly access: AccessService,
  ) {}

  /** The session when the caller may see it; otherwise 404, as for one that does not exist. */
  async requireSession(
    actor: Principal,
    id: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<GroupSession> {
    const qb = manager
      .getRepository(GroupSession)
      .createQueryBuilder('g')
      .where('g.id = :id AND g.organization_id = :org', { id, org: actor.organizationId });
    const session = await this.access.scopeGroupSessions(qb, actor, 'g').getOne();
    if (!session) throw new GroupSessionNotFoundError();
    return session;
  }

  /** The attendees of `sessionIds` in the caller's client scope, by session, in one statement. */
  async visibleAttendees(
    actor: Principal,
    sessionIds: string[],
    manager: EntityManager = this.dataSource.manager,
  ): Promise<Map<string, GroupSessionAttendee[]>> {
    const bySession = new Map<string, GroupSessionAttendee[]>();
    if (sessionIds.length === 0) return bySession;
    const qb = manager
      .getRepository(GroupSessionAttendee)
      .createQueryBuilder('ga')
      .innerJoin('client', 'c', 'c.id = ga.client_id')
      .where('ga.group_session_id = ANY(:sessionIds::uuid[])', { sessionIds })
      .orderBy('ga.client_id');
    for (const a of await this.access.scopeClients(qb, actor, 'c').getMany()) {
      bySession.set(a.groupSessionId, [...(bySession.get(a.groupSessionId) ?? []), a]);
    }
    return bySession;
  }

  /** Every client in the caller's scope, else 404 for the first that is not (no hint which). */
  async requireAllInScope(m: EntityManager, actor: Principal, clientIds: string[]): Promise<void> {
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
}
