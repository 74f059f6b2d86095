import { randomUUID } from 'node:crypto';

import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';

import { Role } from '../../src/auth/permissions';
import { resetConfigCache } from '../../src/config/configuration';
import { createOrganization, TEST_PASSWORD, TestUser, tokenFor } from '../factories/people.factory';

/**
 * Lists a fresh user id as the deployment's queue dashboard operator (QUEUE_DASHBOARD_OPERATORS).
 * Call before createTestApp: the configuration is read once per app.
 */
export function configureQueueOperator(): string {
  const id = randomUUID();
  process.env.QUEUE_DASHBOARD_OPERATORS = id;
  resetConfigCache();
  return id;
}

/** The operator's account: an admin of an organization of its own, password TEST_PASSWORD. */
export async function createQueueOperator(
  app: NestFastifyApplication,
  id: string,
): Promise<TestUser> {
  const { hashPassword } = await import('../../src/auth/password');
  const ds = app.get(DataSource);
  const organizationId = await createOrganization(ds);
  const email = `operator-${randomUUID()}@example.test`;
  await ds.query(
    `INSERT INTO app_user (id, organization_id, email, password_hash, first_name, last_name, role)
     VALUES ($1, $2, $3, $4, 'Test', 'Operator', $5)`,
    [id, organizationId, email, await hashPassword(TEST_PASSWORD), Role.Admin],
  );
  const token = await tokenFor(app, { id, organizationId, role: Role.Admin });
  return { id, email, role: Role.Admin, organizationId, token };
}
