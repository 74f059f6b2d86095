import { randomInt, randomUUID } from 'node:crypto';

import { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';

import { TestOrg } from '../factories/people.factory';
import { bearer } from './http';

export interface TestApiClient {
  id: string;
  clientId: string;
  clientSecret: string;
  token: string;
}

/**
 * An API client of `org` registered by its admin, and a client-credentials token for `scopes`.
 * Each token request comes from an address of its own (TEST-NET-2 behind the trusted proxy hop),
 * so the per-IP token limit, shared by every test file in the run through Redis, is never the
 * reason a test fails; the limit itself is tested in api-clients and login-limits.
 */
export async function apiClientWithToken(
  app: NestFastifyApplication,
  org: TestOrg,
  scopes: string[],
  name = `EHR ${randomUUID().slice(0, 8)}`,
): Promise<TestApiClient> {
  const http = () => request(app.getHttpServer());
  const created = await http()
    .post('/api/v1/api-clients')
    .auth(org.admin.token, bearer)
    .send({ name, scopes })
    .expect(201);
  const token = await http()
    .post('/oauth/token')
    .set('X-Forwarded-For', `198.51.${randomInt(0, 256)}.${randomInt(1, 255)}`)
    .auth(created.body.clientId, created.body.clientSecret)
    .type('form')
    .send({ grant_type: 'client_credentials', scope: scopes.join(' ') })
    .expect(200);
  return {
    id: created.body.id,
    clientId: created.body.clientId,
    clientSecret: created.body.clientSecret,
    token: token.body.access_token,
  };
}
