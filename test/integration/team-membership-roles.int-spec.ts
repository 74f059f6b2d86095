import { Client } from 'pg';
import { QueryRunner } from 'typeorm';

import { EnforceTeamMembershipRoles1764000012200 } from '../../migrations/1764000012200-EnforceTeamMembershipRoles';
import { loadConfig } from '../../src/config/configuration';

/**
 * The migration that makes memberships fit roles: it removes the rows written before it (an
 * admin on a team, a promoted peer's member row, a demoted supervisor's supervision, a team of
 * another organization), audits each removal, and then the database refuses such rows. Runs as
 * the owner inside one transaction that is rolled back, so the shared test database is untouched.
 */
describe('team memberships fit roles (migration, integration)', () => {
  let db: Client;
  const sut = new EnforceTeamMembershipRoles1764000012200();
  const runner = () => ({ query: (sql: string) => db.query(sql) }) as unknown as QueryRunner;
  const one = async (sql: string, params: unknown[] = []) => (await db.query(sql, params)).rows[0];

  beforeAll(async () => {
    db = new Client({ connectionString: loadConfig().db.url });
    await db.connect();
    await db.query('BEGIN');
  });
  afterAll(async () => {
    await db.query('ROLLBACK');
    await db.end();
  });

  it('should remove and audit every membership that does not fit its user’s role, then refuse new ones', async () => {
    await sut.down(runner());
    const org = (await one(`INSERT INTO organization (name) VALUES ('Migration org') RETURNING id`))
      .id;
    const otherOrg = (
      await one(`INSERT INTO organization (name) VALUES ('Other org') RETURNING id`)
    ).id;
    const team = async (o: string) =>
      (
        await one(
          `INSERT INTO team (organization_id, name) VALUES ($1, gen_random_uuid()::text) RETURNING id`,
          [o],
        )
      ).id;
    const [north, foreign] = [await team(org), await team(otherOrg)];
    const user = async (role: string) =>
      (
        await one(
          `INSERT INTO app_user (organization_id, email, password_hash, first_name, last_name, role)
           VALUES ($1, gen_random_uuid() || '@example.test', 'x', 'T', 'U', $2) RETURNING id`,
          [org, role],
        )
      ).id;
    const [admin, supervisor, promoted, demoted, peer] = [
      await user('admin'),
      await user('supervisor'),
      await user('supervisor'),
      await user('peer_specialist'),
      await user('peer_specialist'),
    ];
    const rows: [string, string, string][] = [
      [north, admin, 'member'],
      [north, supervisor, 'supervisor'],
      [north, promoted, 'member'],
      [north, promoted, 'supervisor'],
      [north, demoted, 'supervisor'],
      [north, peer, 'member'],
      [foreign, peer, 'member'],
    ];
    for (const row of rows) {
      await db.query(
        `INSERT INTO team_member (team_id, user_id, membership) VALUES ($1, $2, $3)`,
        row,
      );
    }

    await sut.up(runner());

    const kept = await db.query(
      `SELECT team_id, user_id, membership FROM team_member WHERE user_id = ANY($1) ORDER BY user_id, membership`,
      [[admin, supervisor, promoted, demoted, peer]],
    );
    expect(kept.rows).toEqual(
      [
        { team_id: north, user_id: supervisor, membership: 'supervisor' },
        { team_id: north, user_id: promoted, membership: 'supervisor' },
        { team_id: north, user_id: peer, membership: 'member' },
      ].sort((a, b) => a.user_id.localeCompare(b.user_id)),
    );
    const audited = await db.query(
      `SELECT organization_id, actor_type, action, resource_type, resource_id, outcome FROM audit_event
       WHERE action = 'team.membership-removed' AND organization_id = ANY($1) ORDER BY organization_id, resource_id`,
      [[org, otherOrg]],
    );
    expect(audited.rows).toEqual(
      [
        ...[north, north, north].map((id) => ({ organization_id: org, resource_id: id })),
        { organization_id: otherOrg, resource_id: foreign },
      ]
        .map((r) => ({
          ...r,
          actor_type: 'system',
          action: 'team.membership-removed',
          resource_type: 'Team',
          outcome: 'success',
        }))
        .sort((a, b) => a.organization_id.localeCompare(b.organization_id)),
    );

    const refused = { code: '23514', constraint: 'team_member_role_ck' };
    await db.query('SAVEPOINT s1');
    await expect(
      db.query(
        `INSERT INTO team_member (team_id, user_id, membership) VALUES ($1, $2, 'supervisor')`,
        [north, admin],
      ),
    ).rejects.toMatchObject(refused);
    await db.query('ROLLBACK TO SAVEPOINT s1');
    await expect(
      db.query(`INSERT INTO team_member (team_id, user_id, membership) VALUES ($1, $2, 'member')`, [
        foreign,
        demoted,
      ]),
    ).rejects.toMatchObject(refused);
    await db.query('ROLLBACK TO SAVEPOINT s1');
    // A role change that leaves the old membership fails at commit (the check is deferred).
    await db.query(`UPDATE app_user SET role = 'supervisor' WHERE id = $1`, [peer]);
    await expect(db.query('SET CONSTRAINTS ALL IMMEDIATE')).rejects.toMatchObject(refused);
    await db.query('ROLLBACK TO SAVEPOINT s1');
    // ...and passes when the same transaction rewrites it.
    await db.query(`UPDATE app_user SET role = 'supervisor' WHERE id = $1`, [peer]);
    await db.query(`UPDATE team_member SET membership = 'supervisor' WHERE user_id = $1`, [peer]);
    await db.query('SET CONSTRAINTS ALL IMMEDIATE');
  });
});
