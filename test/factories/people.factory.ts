import { randomUUID } from 'node:crypto';

import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';

import { Role } from '../../src/auth/permissions';
import { TokenService } from '../../src/auth/token.service';

export const TEST_PASSWORD = 'Test-Password-2026!';
// One argon2id hash of TEST_PASSWORD, computed once per test process (hashing is deliberately slow).
let passwordHash: Promise<string> | undefined;
async function hashOnce(): Promise<string> {
  const { hashPassword } = await import('../../src/auth/password');
  passwordHash ??= hashPassword(TEST_PASSWORD);
  return passwordHash;
}

export interface TestUser {
  id: string;
  email: string;
  role: Role;
  organizationId: string;
  token: string;
}

export interface TestOrg {
  id: string;
  teamA: string;
  teamB: string;
  admin: TestUser;
  supervisorA: TestUser;
  supervisorB: TestUser;
  peerA1: TestUser;
  peerA2: TestUser;
  peerB1: TestUser;
}

export async function createOrganization(
  ds: DataSource,
  name = `Org ${randomUUID()}`,
): Promise<string> {
  const [row] = await ds.query(`INSERT INTO organization (name) VALUES ($1) RETURNING id`, [name]);
  return row.id;
}

export async function createTeam(
  ds: DataSource,
  organizationId: string,
  name = `Team ${randomUUID()}`,
): Promise<string> {
  const [row] = await ds.query(
    `INSERT INTO team (organization_id, name) VALUES ($1, $2) RETURNING id`,
    [organizationId, name],
  );
  return row.id;
}

/** A persisted user with a live session and a signed access token. */
export async function createUser(
  app: NestFastifyApplication,
  organizationId: string,
  role: Role,
  teamIds: string[] = [],
): Promise<TestUser> {
  const ds = app.get(DataSource);
  const email = `${role}-${randomUUID()}@example.test`;
  const [user] = await ds.query(
    `INSERT INTO app_user (organization_id, email, password_hash, first_name, last_name, role)
     VALUES ($1, $2, $3, 'Test', 'User', $4) RETURNING id`,
    [organizationId, email, await hashOnce(), role],
  );
  for (const teamId of teamIds) {
    await ds.query(`INSERT INTO team_member (team_id, user_id, membership) VALUES ($1, $2, $3)`, [
      teamId,
      user.id,
      role === Role.Supervisor ? 'supervisor' : 'member',
    ]);
  }
  const token = await tokenFor(app, { id: user.id, organizationId, role });
  return { id: user.id, email, role, organizationId, token };
}

/** A fresh session and access token for an existing user (STYLE: tokenFor(user)). */
export async function tokenFor(
  app: NestFastifyApplication,
  user: { id: string; organizationId: string; role: Role },
): Promise<string> {
  const ds = app.get(DataSource);
  const [session] = await ds.query(
    `INSERT INTO auth_session (user_id, expires_at) VALUES ($1, now() + interval '1 day') RETURNING id`,
    [user.id],
  );
  return app.get(TokenService).signAccess({ kind: 'user', ...user, sessionId: session.id });
}

/**
 * Two teams: A (supervisorA over peerA1, peerA2) and B (supervisorB over peerB1), and an admin.
 * Every test builds its own organization, so tests never depend on each other's data.
 */
export async function createTestOrg(app: NestFastifyApplication): Promise<TestOrg> {
  const ds = app.get(DataSource);
  const id = await createOrganization(ds);
  const teamA = await createTeam(ds, id, 'Team A');
  const teamB = await createTeam(ds, id, 'Team B');
  return {
    id,
    teamA,
    teamB,
    admin: await createUser(app, id, Role.Admin),
    supervisorA: await createUser(app, id, Role.Supervisor, [teamA]),
    supervisorB: await createUser(app, id, Role.Supervisor, [teamB]),
    peerA1: await createUser(app, id, Role.PeerSpecialist, [teamA]),
    peerA2: await createUser(app, id, Role.PeerSpecialist, [teamA]),
    peerB1: await createUser(app, id, Role.PeerSpecialist, [teamB]),
  };
}
