import { randomUUID } from 'node:crypto';

import { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';

import { TestOrg, TestUser } from '../factories/people.factory';
import { apiClientWithToken, TestApiClient } from './api-client-token';
import { bearer } from './http';

export type { TestApiClient };

const DAY = 86_400_000;

async function ok(res: request.Response, status: number): Promise<Record<string, unknown>> {
  if (res.status !== status) throw new Error(`answered ${res.status}: ${res.text}`);
  return res.body as Record<string, unknown>;
}

/** Registers an API client (as the org's admin) and gets it a token (client_secret_basic). */
export function createApiClient(
  app: NestFastifyApplication,
  org: TestOrg,
  scopes: string[] = ['system/*.read'],
  name?: string,
): Promise<TestApiClient> {
  return apiClientWithToken(app, org, scopes, name);
}

/** A client on `peer`'s caseload, made through the API; returns its id. */
export async function createFhirClient(
  app: NestFastifyApplication,
  peer: TestUser,
  body: Partial<{
    firstName: string;
    lastName: string;
    dateOfBirth: string;
    identifiers: { system: string; value: string }[];
  }> = {},
): Promise<string> {
  const res = await request(app.getHttpServer())
    .post('/api/v1/clients')
    .auth(peer.token, bearer)
    .send({
      firstName: 'Robin',
      lastName: `Fhir-${randomUUID().slice(0, 8)}`,
      dateOfBirth: '1988-04-12',
      identifiers: [{ system: 'urn:medicaid', value: `MCD-${randomUUID().slice(0, 8)}` }],
      ...body,
    });
  return (await ok(res, 201)).id as string;
}

/** A Part 2 consent recorded through the API by `peer`; returns its id. */
export async function createConsent(
  app: NestFastifyApplication,
  peer: TestUser,
  clientId: string,
  recipientId: string,
  more: Partial<{ purposes: string[]; categories: string[]; expiresAt: string }> = {},
): Promise<string> {
  const res = await request(app.getHttpServer())
    .post(`/api/v1/clients/${clientId}/consents`)
    .auth(peer.token, bearer)
    .send({
      recipientId,
      purposes: ['treatment'],
      categories: ['demographics'],
      expiresAt: new Date(Date.now() + 365 * DAY).toISOString(),
      signedAt: new Date(Date.now() - 3600_000).toISOString(),
      signatureMethod: 'written',
      ...more,
    });
  return (await ok(res, 201)).id as string;
}

/** Revokes a consent through the API (the route of the consents module). */
export async function revokeConsent(
  app: NestFastifyApplication,
  peer: TestUser,
  clientId: string,
  consentId: string,
): Promise<void> {
  await ok(
    await request(app.getHttpServer())
      .post(`/api/v1/clients/${clientId}/consents/${consentId}/revoke`)
      .auth(peer.token, bearer)
      .send({}),
    200,
  );
}
