import { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';

import { TestOrg } from '../factories/people.factory';
import { bearer } from './http';

export interface TestApiClient {
  id: string;
  token: string;
}

/** An API client of `org` registered by its admin, and a client-credentials token for `scopes`. */
export async function apiClientWithToken(
  app: NestFastifyApplication,
  org: TestOrg,
  scopes: string[],
): Promise<TestApiClient> {
  const http = () => request(app.getHttpServer());
  const created = await http()
    .post('/api/v1/api-clients')
    .auth(org.admin.token, bearer)
    .send({ name: `EHR ${scopes.join(' ')}`, scopes })
    .expect(201);
  const token = await http()
    .post('/oauth/token')
    .auth(created.body.clientId, created.body.clientSecret)
    .type('form')
    .send({ grant_type: 'client_credentials', scope: scopes.join(' ') })
    .expect(200);
  return { id: created.body.id, token: token.body.access_token };
}
