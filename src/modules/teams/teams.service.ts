import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

import { Role } from '../../auth/permissions';
import { Principal, UserPrincipal } from '../../auth/principal';
import { PageQuery } from '../../common/dto/page.query';
import { Page, Pager } from '../../common/dto/pagination';
import { DomainError, ValidationError } from '../../common/errors/domain-error';
import { isUniqueViolation } from '../../database/pg-errors';
import { UnitOfWork, WriteTx } from '../audit/unit-of-work';
import { CreateTeamDto, TeamResponse, UpdateTeamDto } from './dto/team.dto';
import { Membership } from './team.entity';
import { TeamRepository } from './team.repository';

@Injectable()
export class TeamsService {
  constructor(
    private readonly teams: TeamRepository,
    private readonly uow: UnitOfWork,
  ) {}

  /** A page of the organization's teams, by name (keyset on name and id, SPEC 1). */
  async list(actor: Principal, query: PageQuery): Promise<Page<TeamResponse>> {
    const pager = new Pager(query, { principal: actor, list: 'teams', key: 'text' });
    const after = pager.after;
    const rows = await this.teams.pageWithMembers(actor.organizationId, after, query.limit + 1);
    return pager.page(
      rows,
      (t) => ({ key: t.name, id: t.id }),
      (t) => t,
    );
  }

  async create(actor: UserPrincipal, dto: CreateTeamDto): Promise<TeamResponse> {
    const id = await this.write(actor, async (tx) => {
      const m = tx.manager;
      const teamId = await this.teams.insert(m, actor.organizationId, dto.name);
      await this.setMembers(m, actor.organizationId, teamId, dto);
      tx.audit({ action: 'team.create', resourceType: 'Team', resourceId: teamId });
      return teamId;
    });
    return this.get(actor, id);
  }

  async update(
    actor: UserPrincipal,
    id: string,
    expectedVersion: number,
    dto: UpdateTeamDto,
  ): Promise<TeamResponse> {
    await this.write(actor, async (tx) => {
      const m = tx.manager;
      const where = { id, organizationId: actor.organizationId };
      const changes = {
        ...(dto.name ? { name: dto.name } : {}),
        ...(dto.active !== undefined ? { active: dto.active } : {}),
      };
      await this.teams.updateVersioned(m, where, expectedVersion, changes);
      await this.setMembers(m, actor.organizationId, id, dto);
      await this.assertInactiveIsEmpty(m, id);
      tx.audit({ action: 'team.update', resourceType: 'Team', resourceId: id });
    });
    return this.get(actor, id);
  }

  /** An inactive team confers no supervision or membership: deactivating one with people on it is refused. */
  private async assertInactiveIsEmpty(m: EntityManager, id: string): Promise<void> {
    if (await this.teams.isInactiveWithMembers(m, id)) {
      throw new DomainError(
        'BUSINESS_RULE_VIOLATION',
        'An inactive team cannot have supervisors or members; move them to another team first.',
      );
    }
  }

  private get(actor: Principal, id: string): Promise<TeamResponse> {
    return this.teams.findWithMembers(actor.organizationId, id);
  }

  private async write<T>(actor: UserPrincipal, fn: (tx: WriteTx) => Promise<T>): Promise<T> {
    try {
      return await this.uow.run(actor, fn);
    } catch (err) {
      if (isUniqueViolation(err, 'team_org_name_uq')) {
        throw new DomainError('CONFLICT', 'A team with this name already exists.');
      }
      throw err;
    }
  }

  /**
   * Every named user is checked and locked (FOR SHARE) before any row is replaced, in the lock
   * order of a role change (team, users, memberships): a concurrent role change either commits
   * first and is seen here, or waits and then rewrites what this wrote.
   */
  private async setMembers(
    m: EntityManager,
    organizationId: string,
    teamId: string,
    dto: UpdateTeamDto,
  ): Promise<void> {
    const lists: MemberList[] = [
      {
        membership: 'supervisor',
        ids: dto.supervisorIds,
        field: 'supervisorIds',
        role: Role.Supervisor,
      },
      { membership: 'member', ids: dto.memberIds, field: 'memberIds', role: Role.PeerSpecialist },
    ];
    for (const list of lists) await this.lockUsers(m, organizationId, list);
    for (const list of lists) await this.replace(m, teamId, list);
  }

  private async lockUsers(
    m: EntityManager,
    organizationId: string,
    list: MemberList,
  ): Promise<void> {
    if (list.ids === undefined || list.ids.length === 0) return;
    const unique = [...new Set(list.ids)];
    const found = await this.teams.lockUsersWithRole(m, organizationId, unique, list.role);
    if (found.length !== unique.length) {
      throw new ValidationError([
        { field: list.field, message: `each id must be a ${list.role} of your organization` },
      ]);
    }
  }

  private async replace(m: EntityManager, teamId: string, list: MemberList): Promise<void> {
    if (list.ids === undefined) return;
    await this.teams.replaceMembers(m, teamId, list.membership, [...new Set(list.ids)]);
  }
}

interface MemberList {
  membership: Membership;
  ids: string[] | undefined;
  field: 'supervisorIds' | 'memberIds';
  /** Supervisors supervise, peer specialists are members; an admin is on no team (SPEC 2). */
  role: Role;
}
