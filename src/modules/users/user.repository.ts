import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, Repository } from 'typeorm';
import { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';

import { Role } from '../../auth/permissions';
import { pageNewestFirst } from '../../common/dto/keyset';
import { Pager } from '../../common/dto/pagination';
import { updateVersioned } from '../../common/http/etag';
import { TeamMember } from '../teams/team.entity';
import { User } from './user.entity';

/** A new user (the password already hashed). */
export type NewUser = Pick<
  User,
  'organizationId' | 'email' | 'passwordHash' | 'firstName' | 'lastName' | 'role'
>;

/** The SQL of users, their team memberships (as the user's) and their sessions' revocation. */
@Injectable()
export class UserRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(User) private readonly users: Repository<User>,
  ) {}

  /** Inserts the user; returns it as saved. */
  insert(m: EntityManager, u: NewUser): Promise<User> {
    return m.save(m.create(User, u));
  }

  /** One page of the organization's users, newest first. */
  pageInOrg(organizationId: string, pager: Pager): Promise<User[]> {
    const qb = this.users
      .createQueryBuilder('u')
      .where('u.organization_id = :org', { org: organizationId });
    return pageNewestFirst(qb, 'u', pager).getMany();
  }

  /** The user when one of the organization's (inside a write: its transaction's manager). */
  findInOrg(
    m: EntityManager | undefined,
    organizationId: string,
    id: string,
  ): Promise<User | null> {
    const where = { id, organizationId };
    return m ? m.findOneBy(User, where) : this.users.findOneBy(where);
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

  /** The version-checked update of a user (412 when stale, 404 when absent). */
  updateVersioned(
    m: EntityManager,
    where: { id: string; organizationId: string },
    expectedVersion: number,
    patch: QueryDeepPartialEntity<User>,
  ): Promise<void> {
    return updateVersioned(m, User, where, expectedVersion, patch);
  }

  /** The memberships of these users, by team id. */
  membershipsOf(userIds: string[]): Promise<TeamMember[]> {
    return this.dataSource
      .getRepository(TeamMember)
      .createQueryBuilder('tm')
      .where('tm.user_id = ANY(:userIds)', { userIds })
      .orderBy('tm.team_id')
      .getMany();
  }

  /** The user's own memberships (the teams feature's data), not a scope rule: no join. */
  membershipsInTx(m: EntityManager, userId: string): Promise<TeamMember[]> {
    return m.find(TeamMember, { where: { userId }, order: { teamId: 'ASC' } });
  }

  /**
   * The ids of those of `teamIds` that are active teams of the organization, held FOR SHARE
   * until commit (a team being deactivated waits, then sees the new memberships and refuses).
   */
  lockActiveTeams(m: EntityManager, organizationId: string, teamIds: string[]): Promise<unknown[]> {
    return m.query(
      `SELECT id FROM team WHERE organization_id = $1 AND id = ANY($2) AND active ORDER BY id FOR SHARE`,
      [organizationId, teamIds],
    );
  }

  /** Replaces every membership of the user by `teamIds`, as the role's kind of membership. */
  async replaceMemberships(
    m: EntityManager,
    userId: string,
    role: Role,
    teamIds: string[],
  ): Promise<void> {
    await m.delete(TeamMember, { userId });
    const membership = role === Role.Supervisor ? 'supervisor' : 'member';
    if (teamIds.length > 0)
      await m.insert(
        TeamMember,
        teamIds.map((teamId) => ({ teamId, userId, membership })),
      );
  }

  /** Revokes the user's live sessions; returns their ids. */
  async revokeSessions(m: EntityManager, userId: string, reason: string): Promise<string[]> {
    // TypeORM answers an UPDATE with [rows, rowCount].
    const [rows]: [{ id: string }[], number] = await m.query(
      `UPDATE auth_session SET revoked_at = now(), revoked_reason = $2
       WHERE user_id = $1 AND revoked_at IS NULL RETURNING id`,
      [userId, reason],
    );
    return rows.map((row) => row.id);
  }
}
