import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, Repository } from 'typeorm';

import { hashPassword } from '../../auth/password';
import { Role } from '../../auth/permissions';
import { UserPrincipal } from '../../auth/principal';
import { SessionCheckService } from '../../auth/session-check.service';
import { pageNewestFirst } from '../../common/dto/keyset';
import { PageQuery } from '../../common/dto/page.query';
import { Page, Pager } from '../../common/dto/pagination';
import { NotFoundError } from '../../common/errors/domain-error';
import { updateVersioned } from '../../common/http/etag';
import { isUniqueViolation } from '../../database/pg-errors';
import { AuditService } from '../audit/audit.service';
import { releaseCaseload } from '../clients/caseload-release';
import { TeamMember } from '../teams/team.entity';
import { CreateUserDto } from './dto/create-user.dto';
import { UpdateUserDto } from './dto/update-user.dto';
import { UserResponse } from './dto/user.response';
import { toUserResponse } from './user.mapper';
import { User } from './user.entity';
import { EmailTakenError, UnknownTeamError } from './users.errors';

@Injectable()
export class UsersService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(User) private readonly users: Repository<User>,
    private readonly audit: AuditService,
    private readonly sessions: SessionCheckService,
  ) {}

  async create(actor: UserPrincipal, dto: CreateUserDto): Promise<UserResponse> {
    const passwordHash = await hashPassword(dto.password);
    try {
      return await this.dataSource.transaction(async (m) => {
        const user = await m.save(
          m.create(User, {
            organizationId: actor.organizationId,
            email: dto.email.trim().toLowerCase(),
            passwordHash,
            firstName: dto.firstName,
            lastName: dto.lastName,
            role: dto.role,
          }),
        );
        await this.setTeams(m, actor.organizationId, user.id, dto.role, dto.teamIds);
        await this.audit.record(m, actor, { action: 'user.create', resourceType: 'User', resourceId: user.id });
        return toUserResponse(user, dto.teamIds);
      });
    } catch (err) {
      if (isUniqueViolation(err, 'app_user_email_uq')) throw new EmailTakenError();
      throw err;
    }
  }

  async list(actor: UserPrincipal, query: PageQuery): Promise<Page<UserResponse>> {
    const pager = new Pager(query, { principal: actor, list: 'users' });
    const qb = this.users.createQueryBuilder('u').where('u.organization_id = :org', { org: actor.organizationId });
    const rows = await pageNewestFirst(qb, 'u', pager).getMany();
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

  async update(actor: UserPrincipal, id: string, expectedVersion: number, dto: UpdateUserDto): Promise<UserResponse> {
    const where = { id, organizationId: actor.organizationId };
    await this.dataSource.transaction(async (m) => {
      const { teamIds, active, ...names } = dto;
      const deactivating = active === false;
      await updateVersioned(m, User, where, expectedVersion, {
        ...names,
        ...(active === undefined ? {} : { active, deactivatedAt: deactivating ? () => 'now()' : null }),
      });
      const user = await m.findOneByOrFail(User, where);
      if (teamIds) await this.setTeams(m, actor.organizationId, id, user.role, teamIds);
      if (deactivating) await this.revokeSessions(m, id);
      // A departed specialist's clients go to the "needs reassignment" queue (SPEC section 4).
      if (deactivating) await releaseCaseload(m, this.audit, actor, id);
      await this.audit.record(m, actor, {
        action: deactivating ? 'user.deactivate' : 'user.update',
        resourceType: 'User',
        resourceId: id,
      });
    });
    return this.get(actor, id);
  }

  /** For login only: the one read that includes the password hash. */
  findForLogin(email: string): Promise<User | null> {
    return this.users
      .createQueryBuilder('u')
      .addSelect('u.passwordHash')
      .where('lower(u.email) = lower(:email)', { email: email.trim() })
      .getOne();
  }

  findActive(id: string): Promise<User | null> {
    return this.users.findOneBy({ id, active: true });
  }

  async teamIdsOf(userIds: string[]): Promise<Map<string, string[]>> {
    const result = new Map<string, string[]>();
    if (userIds.length === 0) return result;
    const rows = await this.dataSource
      .getRepository(TeamMember)
      .createQueryBuilder('tm')
      .where('tm.user_id = ANY(:userIds)', { userIds })
      .orderBy('tm.team_id')
      .getMany();
    for (const row of rows) result.set(row.userId, [...(result.get(row.userId) ?? []), row.teamId]);
    return result;
  }

  private async findInOrg(organizationId: string, id: string): Promise<User> {
    const user = await this.users.findOneBy({ id, organizationId });
    if (!user) throw new NotFoundError('User');
    return user;
  }

  private async setTeams(m: EntityManager, organizationId: string, userId: string, role: Role, teamIds: string[]): Promise<void> {
    const unique = [...new Set(teamIds)];
    if (unique.length > 0) {
      const found = await m.query(`SELECT count(*)::int AS n FROM team WHERE organization_id = $1 AND id = ANY($2) AND active`, [
        organizationId,
        unique,
      ]);
      if (found[0].n !== unique.length) throw new UnknownTeamError();
    }
    await m.delete(TeamMember, { userId });
    const membership = role === Role.Supervisor ? 'supervisor' : 'member';
    if (unique.length > 0) await m.insert(TeamMember, unique.map((teamId) => ({ teamId, userId, membership })));
  }

  private async revokeSessions(m: EntityManager, userId: string): Promise<void> {
    // TypeORM answers an UPDATE with [rows, rowCount].
    const [rows]: [{ id: string }[], number] = await m.query(
      `UPDATE auth_session SET revoked_at = now(), revoked_reason = 'user_deactivated'
       WHERE user_id = $1 AND revoked_at IS NULL RETURNING id`,
      [userId],
    );
    for (const row of rows) this.sessions.forget(row.id);
  }
}
