import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

import { AccessService } from '../../auth/access.service';
import { Principal } from '../../auth/principal';
import { GroupSession, GroupSessionAttendee } from './group-session.entity';
import { GroupSessionRepository } from './group-session.repository';
import { GroupSessionNotFoundError } from './group-sessions.errors';

/**
 * Which group sessions and which attendees a caller may see: the scope fragments of
 * `src/auth/access/` applied to sessions and to attendee rows. A reader is shown only the
 * attendees in their own client scope, whoever else was in the room.
 */
@Injectable()
export class GroupSessionAccess {
  constructor(
    private readonly repo: GroupSessionRepository,
    private readonly access: AccessService,
  ) {}

  /** The session when the caller may see it; otherwise 404, as for one that does not exist. */
  async requireSession(
    actor: Principal,
    id: string,
    manager: EntityManager = this.repo.manager,
  ): Promise<GroupSession> {
    const session = await this.repo.findInScope(manager, actor, id);
    if (!session) throw new GroupSessionNotFoundError();
    return session;
  }

  /** The attendees of `sessionIds` in the caller's client scope, by session, in one statement. */
  async visibleAttendees(
    actor: Principal,
    sessionIds: string[],
    manager: EntityManager = this.repo.manager,
  ): Promise<Map<string, GroupSessionAttendee[]>> {
    const bySession = new Map<string, GroupSessionAttendee[]>();
    if (sessionIds.length === 0) return bySession;
    for (const a of await this.repo.attendeesInScope(manager, actor, sessionIds)) {
      bySession.set(a.groupSessionId, [...(bySession.get(a.groupSessionId) ?? []), a]);
    }
    return bySession;
  }

  /** Every client in the caller's scope, else 404 for the first that is not (no hint which). */
  async requireAllInScope(m: EntityManager, actor: Principal, clientIds: string[]): Promise<void> {
    const found = new Set(await this.repo.clientIdsInScope(m, actor, clientIds));
    const missing = clientIds.find((id) => !found.has(id));
    if (missing) await this.access.requireClient(actor, missing, m);
  }
}
