import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

import { hashPassword } from '../../auth/password';
import { Role } from '../../auth/permissions';
import { UserPrincipal } from '../../auth/principal';
import { SessionCheckService } from '../../auth/session-check.service';
import { PageQuery } from '../../common/dto/page.query';
import { Page, Pager } from '../../common/dto/pagination';
import { NotFoundError } from '../../common/errors/domain-error';
import { isUniqueViolation } from '../../database/pg-errors';
import { UnitOfWork } from '../audit/unit-of-work';
import { CaseloadRelease } from '../clients/caseload-release';
import { CreateUserDto } from './dto/create-user.dto';
import { UpdateUserDto } from './dto/update-user.dto';
import { UserResponse } from './dto/user.response';
import { toUserResponse } from './user.mapper';
import { User } from './user.entity';
import { UserRepository } from './user.repository';
import {
  AdminTeamError,
  EmailTakenError,
  PeerWithoutTeamError,
  UnknownTeamError,
} from './users.errors';

@Injectable()
export class UsersService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly users: UserRepository,
    private readonly sessions: SessionCheckService,
    private readonly caseloads: CaseloadRelease,
  ) {}

  async create(actor: UserPrincipal, dto: CreateUserDto): Promise<UserResponse> {
    const passwordHash = await hashPassword(dto.password);
    try {
      return await this.uow.run(actor, async (tx) => {
        const m = tx.manager;
        const user = await this.users.insert(m, {
          organizationId: actor.organizationId,
          email: dto.email.trim().toLowerCase(),
          passwordHash,
          firstName: dto.firstName,
          lastName: dto.lastName,
          role: dto.role,
        });
        const teamIds = teamsFor(dto.role, false, dto.teamIds) ?? [];
        await this.lockTeams(m, actor.organizationId, teamIds);
        await this.setTeams(m, user.id, dto.role, teamIds);
        tx.audit({
          action: 'user.create',
          resourceType: 'User',
          resourceId: user.id,
        });
        return toUserResponse(user, teamIds);
      });
    } catch (err) {
      if (isUniqueViolation(err, 'app_user_email_uq')) throw new EmailTakenError();
      throw err;
    }
  }

  async list(actor: UserPrincipal, query: PageQuery): Promise<Page<UserResponse>> {
    const pager = new Pager(query, { principal: actor, list: 'users' });
    const rows = await this.users.pageInOrg(actor.organizationId, pager);
    const teams = await this.teamIdsOf(rows.map((u) => u.id));
    return pager.page(
      rows,
      (u) => ({ key: u.createdAt.toISOString(), id: u.id }),
      (u) => toUserResponse(u, teams.get(u.id) ?? []),
    );
  }

  async get(actor: UserPrincipal, id: string): Promise<UserResponse> {
    const user = await this.findInOrg(actor.organizationId, id);
    const teams = await this.teamIdsOf([id]);
    return toUserResponse(user, teams.get(id) ?? []);
  }

  /**
   * A role change ends the user's sessions (their tokens carry the old role: they stop working
   * within SESSION_CHECK_TTL_MS, like a deactivation's) and rewrites their team memberships to fit
   * the new role, in the transaction of the change and its audit event.
   */
  async update(
    actor: UserPrincipal,
    id: string,
    expectedVersion: number,
    dto: UpdateUserDto,
  ): Promise<UserResponse> {
    const where = { id, organizationId: actor.organizationId };
    const revoked = await this.uow.run(actor, async (tx) => {
      const m = tx.manager;
      const { teamIds, active, role, ...names } = dto;
      const current = await this.users.findInOrg(m, actor.organizationId, id);
      if (!current) throw new NotFoundError('User');
      const newRole = role ?? current.role;
      const roleChanged = newRole !== current.role;
      const deactivating = active === false;
      const teams = teamsFor(newRole, roleChanged, teamIds);
      // Lock order as in TeamsService.update: teams, then the user, then the memberships.
      if (teams) await this.lockTeams(m, actor.organizationId, teams);
      await this.users.updateVersioned(m, where, expectedVersion, {
        ...names,
        ...(roleChanged ? { role: newRole } : {}),
        ...(active === undefined
          ? {}
          : { active, deactivatedAt: deactivating ? () => 'now()' : null }),
      });
      // Read under the user's row lock: a team update naming the user has committed by now.
      const after = teams ?? (roleChanged ? await this.currentTeamIds(m, id) : undefined);
      // A peer specialist's notes' crisis flags go to the supervisors of their teams.
      if (roleChanged && newRole === Role.PeerSpecialist && after?.length === 0) {
        throw new PeerWithoutTeamError();
      }
      if (after) await this.setTeams(m, id, newRole, after);
      const sessionIds =
        deactivating || roleChanged
          ? await this.users.revokeSessions(
              m,
              id,
              deactivating ? 'user_deactivated' : 'role_changed',
            )
          : [];
      // A departed specialist's clients go to the "needs reassignment" queue (SPEC section 4);
      // so do those of one made admin, who may hold no caseload.
      if (deactivating || (roleChanged && newRole === Role.Admin)) {
        await this.caseloads.release(tx, actor, id);
      }
      if (roleChanged) {
        tx.audit({
          action: 'user.role-change',
          resourceType: 'User',
          resourceId: id,
        });
      }
      tx.audit({
        action: deactivating ? 'user.deactivate' : 'user.update',
        resourceType: 'User',
        resourceId: id,
      });
      return sessionIds;
    });
    // After the commit: forgotten earlier, a request in between could cache the session as live.
    for (const sessionId of revoked) this.sessions.forget(sessionId);
    return this.get(actor, id);
  }

  /** For login only: the one read that includes the password hash. */
  findForLogin(email: string): Promise<User | null> {
    return this.users.findForLogin(email);
  }

  findActive(id: string): Promise<User | null> {
    return this.users.findActive(id);
  }

  async teamIdsOf(userIds: string[]): Promise<Map<string, string[]>> {
    const result = new Map<string, string[]>();
    if (userIds.length === 0) return result;
    const rows = await this.users.membershipsOf(userIds);
    for (const row of rows) result.set(row.userId, [...(result.get(row.userId) ?? []), row.teamId]);
    return result;
  }

  private async findInOrg(organizationId: string, id: string): Promise<User> {
    const user = await this.users.findInOrg(undefined, organizationId, id);
    if (!user) throw new NotFoundError('User');
    return user;
  }

  private async currentTeamIds(m: EntityManager, userId: string): Promise<string[]> {
    const rows = await this.users.membershipsInTx(m, userId);
    return [...new Set(rows.map((r) => r.teamId))];
  }

  /**
   * The teams must be active teams of the organization; FOR SHARE keeps them so until commit (a
   * team being deactivated waits, then sees these memberships and refuses).
   */
  private async lockTeams(
    m: EntityManager,
    organizationId: string,
    teamIds: string[],
  ): Promise<void> {
    if (teamIds.length === 0) return;
    const found = await this.users.lockActiveTeams(m, organizationId, teamIds);
    if (found.length !== teamIds.length) throw new UnknownTeamError();
  }

  /** Replaces every membership of the user by `teamIds`, as the role's kind of membership. */
  private setTeams(m: EntityManager, userId: string, role: Role, teamIds: string[]): Promise<void> {
    return this.users.replaceMemberships(m, userId, role, teamIds);
  }
}

/**
 * The user's teams after a write, or undefined to keep them. An admin is on no team, so a change
 * to admin leaves every team; any other role change without `teamIds` keeps the user's teams,
 * each becoming the new role's kind of membership (supervised teams <-> member teams).
 */
function teamsFor(
  role: Role,
  roleChanged: boolean,
  teamIds: string[] | undefined,
): string[] | undefined {
  const unique = teamIds && [...new Set(teamIds)];
  if (role !== Role.Admin) return unique;
  if (unique && unique.length > 0) throw new AdminTeamError();
  return roleChanged ? [] : unique;
}
