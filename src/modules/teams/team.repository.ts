import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';

import { Role } from '../../auth/permissions';
import { updateVersioned } from '../../common/http/etag';
import { TeamResponse } from './dto/team.dto';
import { Membership, Team, TeamMember } from './team.entity';

const TEAMS_WITH_MEMBERS = `SELECT t.id, t.name, t.active, t.version,
    coalesce(array_agg(tm.user_id ORDER BY tm.user_id) FILTER (WHERE tm.membership = 'supervisor'), '{}') AS "supervisorIds",
    coalesce(array_agg(tm.user_id ORDER BY tm.user_id) FILTER (WHERE tm.membership = 'member'), '{}') AS "memberIds"
  FROM team t LEFT JOIN team_member tm ON tm.team_id = t.id
  WHERE t.organization_id = $1 AND ($2::uuid IS NULL OR t.id = $2)
    AND ($3::text IS NULL OR (t.name, t.id) > ($3, $4::uuid))
  GROUP BY t.id ORDER BY t.name, t.id LIMIT $5`;

/** The SQL of teams and their memberships. */
@Injectable()
export class TeamRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** One page (`limit` rows) of the organization's teams with their members, by name then id. */
  pageWithMembers(
    organizationId: string,
    after: { key: string; id: string } | undefined,
    limit: number,
  ): Promise<TeamResponse[]> {
    return this.dataSource.query(TEAMS_WITH_MEMBERS, [
      organizationId,
      null,
      after?.key ?? null,
      after?.id ?? null,
      limit,
    ]);
  }

  /** The team with its members. */
  async findWithMembers(organizationId: string, id: string): Promise<TeamResponse> {
    const [team] = await this.dataSource.query(TEAMS_WITH_MEMBERS, [
      organizationId,
      id,
      null,
      null,
      1,
    ]);
    return team;
  }

  /** Inserts the team; returns its id. */
  async insert(m: EntityManager, organizationId: string, name: string): Promise<string> {
    const team = await m.save(m.create(Team, { organizationId, name }));
    return team.id;
  }

  /** The version-checked update of a team (412 when stale, 404 when absent). */
  updateVersioned(
    m: EntityManager,
    where: { id: string; organizationId: string },
    expectedVersion: number,
    changes: QueryDeepPartialEntity<Team>,
  ): Promise<void> {
    return updateVersioned(m, Team, where, expectedVersion, changes);
  }

  /** Whether the team is inactive yet still has people on it. */
  async isInactiveWithMembers(m: EntityManager, id: string): Promise<boolean> {
    const [{ refused }] = await m.query(
      `SELECT NOT t.active AND EXISTS (SELECT 1 FROM team_member tm WHERE tm.team_id = t.id) AS refused
       FROM team t WHERE t.id = $1`,
      [id],
    );
    return refused;
  }

  /** Those of the users that have this role in the organization, held FOR SHARE until commit. */
  lockUsersWithRole(
    m: EntityManager,
    organizationId: string,
    userIds: string[],
    role: Role,
  ): Promise<unknown[]> {
    return m.query(
      `SELECT id FROM app_user WHERE organization_id = $1 AND id = ANY($2) AND role = $3 ORDER BY id FOR SHARE`,
      [organizationId, userIds, role],
    );
  }

  /** Replaces the team's memberships of this kind by these users. */
  async replaceMembers(
    m: EntityManager,
    teamId: string,
    membership: Membership,
    userIds: string[],
  ): Promise<void> {
    await m.delete(TeamMember, { teamId, membership });
    if (userIds.length > 0)
      await m.insert(
        TeamMember,
        userIds.map((userId) => ({ teamId, userId, membership })),
      );
  }
}
