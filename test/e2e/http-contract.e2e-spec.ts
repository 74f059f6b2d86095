import { AsyncLocalStorage } from 'node:async_hooks';

import request from 'supertest';

import { createTestApp, TestApp } from '../setup/create-test-app';
import { createClient } from '../factories/client.factory';
import { createTestOrg, TestOrg } from '../factories/people.factory';
import { problem } from '../helpers/problem';

describe('HTTP contract (e2e)', () => {
  let t: TestApp;
  let org: TestOrg;
  const http = () => request(t.app.getHttpServer());

  beforeAll(async () => {
    t = await createTestApp();
    org = await createTestOrg(t.app);
  });
  afterAll(() => t.close());

  it('should echo a well-formed X-Correlation-Id and mint one otherwise', async () => {
    const echoed = await http().get('/health/live').set('X-Correlation-Id', 'abc-123').expect(200);
    expect(echoed.headers['x-correlation-id']).toBe('abc-123');
    const minted = await http()
      .get('/health/live')
      .set('X-Correlation-Id', 'bad id with spaces')
      .expect(200);
    expect(minted.headers['x-correlation-id']).toMatch(/^[0-9a-f-]{36}$/);
    const error = await http().get('/api/v1/me').set('X-Correlation-Id', 'trace-9').expect(401);
    expect(error.body.correlationId).toBe('trace-9');
  });

  it('should send security headers and no-store on API responses', async () => {
    const res = await http()
      .get('/api/v1/me')
      .auth(org.peerA1.token, { type: 'bearer' })
      .expect(200);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['strict-transport-security']).toContain('max-age=');
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('should send the same security headers, set once for all, on successes and errors', async () => {
    const ok = await http()
      .get('/api/v1/me')
      .auth(org.peerA1.token, { type: 'bearer' })
      .expect(200);
    const unauthenticated = await http().get('/api/v1/me').expect(401);
    const missing = await http().get('/api/v1/nowhere').expect(404);
    for (const res of [ok, unauthenticated, missing]) {
      expect(res.headers['content-security-policy']).toBe(
        "default-src 'self';base-uri 'self';font-src 'self' https: data:;form-action 'self';" +
          "frame-ancestors 'self';img-src 'self' data:;object-src 'none';" +
          "script-src 'self' 'unsafe-inline';script-src-attr 'none';" +
          "style-src 'self' 'unsafe-inline';upgrade-insecure-requests",
      );
      expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.headers['cross-origin-opener-policy']).toBe('same-origin');
      expect(res.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
      expect(res.headers['x-powered-by']).toBeUndefined();
    }
  });

  it('should carry the correlation id to the audit events of a write, with no AsyncLocalStorage', async () => {
    // On Node 20 one AsyncLocalStorage puts a hook on every promise of the process: the id travels
    // on the principal instead (BENCHMARKS.md), and nothing on a request's path may enter one.
    const run = jest.spyOn(AsyncLocalStorage.prototype, 'run');
    const enterWith = jest.spyOn(AsyncLocalStorage.prototype, 'enterWith');
    try {
      const clientId = await createClient(t.dataSource, {
        organizationId: org.id,
        specialistId: org.peerA1.id,
      });
      const end = Date.now() - 3600_000;
      const note = await http()
        .post(`/api/v1/clients/${clientId}/session-notes`)
        .auth(org.peerA1.token, { type: 'bearer' })
        .set('X-Correlation-Id', 'trace-note-7')
        .send({
          startedAt: new Date(end - 30 * 60_000).toISOString(),
          endedAt: new Date(end).toISOString(),
          contactType: 'phone',
          format: 'narrative',
          sections: { narrative: 'Talked through the week.' },
        })
        .expect(201);
      const events = await t.dataSource.query(
        `SELECT action, correlation_id FROM audit_event WHERE resource_id = $1`,
        [note.body.id],
      );
      expect(events).toEqual([{ action: 'session-note.create', correlation_id: 'trace-note-7' }]);
      expect(run).not.toHaveBeenCalled();
      expect(enterWith).not.toHaveBeenCalled();
    } finally {
      run.mockRestore();
      enterWith.mockRestore();
    }
  });

  it('should answer 413 problem+json for a body over 256 KiB and change nothing', async () => {
    const res = await http()
      .post('/api/v1/teams')
      .auth(org.admin.token, { type: 'bearer' })
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ name: 'x'.repeat(300 * 1024) }))
      .expect(413);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body).toEqual(
      problem(413, 'PAYLOAD_TOO_LARGE', 'The request body exceeds 256 KiB.'),
    );
    const rows = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM team WHERE organization_id = $1`,
      [org.id],
    );
    expect(rows[0].n).toBe(2);
  });

  it('should answer 400 for malformed JSON and 415 for an unsupported content type', async () => {
    const bad = await http()
      .post('/api/v1/teams')
      .auth(org.admin.token, { type: 'bearer' })
      .set('Content-Type', 'application/json')
      .send('{"name": ')
      .expect(400);
    expect(bad.body).toEqual(problem(400, 'MALFORMED_REQUEST', 'The request could not be read.'));
    expect(JSON.stringify(bad.body)).not.toMatch(/at |Unexpected|SyntaxError/);
    const xml = await http()
      .post('/api/v1/teams')
      .auth(org.admin.token, { type: 'bearer' })
      .set('Content-Type', 'application/xml')
      .send('<a/>')
      .expect(415);
    expect(xml.body).toEqual(problem(415, 'UNSUPPORTED_MEDIA_TYPE', 'Unsupported content type.'));
  });

  it('should answer 404 problem+json for an unknown route', async () => {
    const res = await http().get('/api/v1/nothing-here').expect(404);
    expect(res.body).toEqual(problem(404, 'ROUTE_NOT_FOUND', 'No such route.'));
  });

  it('should answer problem+json for an error of a route a plugin registered (Swagger UI)', async () => {
    const res = await http().get('/docs/LICENSE').expect(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({
      status: 404,
      code: expect.any(String),
      correlationId: res.headers['x-correlation-id'],
    });
  });

  it('should answer 400 for a malformed cursor and a non-UUID id', async () => {
    const cursor = await http()
      .get('/api/v1/users?cursor=%%%')
      .auth(org.admin.token, { type: 'bearer' })
      .expect(400);
    expect(cursor.body.errors).toEqual([{ field: 'cursor', message: 'cursor is not valid' }]);
    const id = await http()
      .get('/api/v1/users/not-a-uuid')
      .auth(org.admin.token, { type: 'bearer' })
      .expect(400);
    expect(id.body.errors).toEqual([{ field: 'id', message: 'id must be a UUID' }]);
  });

  it('should answer liveness, readiness, metrics, docs and the OpenAPI document', async () => {
    await http().get('/health/live').expect(200, { status: 'ok' });
    const ready = await http().get('/health/ready').expect(200);
    expect(ready.body.details).toEqual({ postgres: { status: 'up' }, redis: { status: 'up' } });
    const metrics = await http().get('/metrics').expect(200);
    expect(metrics.text).toContain('http_request_duration_seconds_bucket');
    expect(metrics.text).not.toContain(org.peerA1.id);
    await http().get('/docs').expect(200);
    const yaml = await http().get('/openapi.yaml').expect(200);
    expect(yaml.text).toMatch(/^openapi: 3\.0\.\d/m);
  });

  it('should describe DTO properties that only the @nestjs/swagger plugin derives', async () => {
    // The DTOs leave type, required, nullable and class-validator constraints to the plugin
    // (nest-cli.json), which jest.config.js runs too: the document served under Jest is complete.
    const json = await http().get('/openapi.json').expect(200);
    const schemas = json.body.components.schemas;
    expect(schemas.ClientIdentifierResponse).toEqual({
      type: 'object',
      properties: { system: { type: 'string' }, value: { type: 'string' } },
      required: ['system', 'value'],
    });
    expect(schemas.ClientResponse.properties.preferredName).toEqual({
      type: 'string',
      nullable: true,
    });
    expect(schemas.CreateClientDto.properties.firstName).toEqual({
      type: 'string',
      minLength: 1,
      maxLength: 100,
      example: 'Alex',
    });
    expect(schemas.CreateClientDto.required).toEqual(['firstName', 'lastName', 'dateOfBirth']);
  });

  it('should list the organization’s teams with supervisors and members', async () => {
    const res = await http()
      .get('/api/v1/teams')
      .auth(org.peerA1.token, { type: 'bearer' })
      .expect(200);
    const teamA = res.body.items.find((x: { id: string }) => x.id === org.teamA);
    expect(teamA).toEqual({
      id: org.teamA,
      name: 'Team A',
      active: true,
      version: 1,
      supervisorIds: [org.supervisorA.id],
      memberIds: [org.peerA1.id, org.peerA2.id].sort(),
    });
    await http().get('/api/v1/teams').expect(401);
  });

  it('should let an admin create and update a team, and refuse others', async () => {
    await http()
      .post('/api/v1/teams')
      .auth(org.supervisorA.token, { type: 'bearer' })
      .send({ name: 'C' })
      .expect(403);
    const created = await http()
      .post('/api/v1/teams')
      .auth(org.admin.token, { type: 'bearer' })
      .send({ name: 'Team C', supervisorIds: [org.supervisorB.id], memberIds: [org.peerB1.id] })
      .expect(201);
    expect(created.body).toEqual({
      id: expect.any(String),
      name: 'Team C',
      active: true,
      version: 1,
      supervisorIds: [org.supervisorB.id],
      memberIds: [org.peerB1.id],
    });
    const wrongRole = await http()
      .post('/api/v1/teams')
      .auth(org.admin.token, { type: 'bearer' })
      .send({ name: 'Team D', memberIds: [org.supervisorA.id] })
      .expect(400);
    expect(wrongRole.body.errors).toEqual([
      { field: 'memberIds', message: 'each id must be a peer_specialist of your organization' },
    ]);
    await http()
      .post('/api/v1/teams')
      .auth(org.admin.token, { type: 'bearer' })
      .send({ name: 'team c' })
      .expect(409);
    const updated = await http()
      .patch(`/api/v1/teams/${created.body.id}`)
      .set('If-Match', '"1"')
      .auth(org.admin.token, { type: 'bearer' })
      .send({ name: 'Team Sea', memberIds: [] })
      .expect(200);
    expect(updated.body).toMatchObject({
      name: 'Team Sea',
      version: 2,
      memberIds: [],
      supervisorIds: [org.supervisorB.id],
    });
    const other = await createTestOrg(t.app);
    await http()
      .patch(`/api/v1/teams/${other.teamA}`)
      .set('If-Match', '"1"')
      .auth(org.admin.token, { type: 'bearer' })
      .send({ name: 'x' })
      .expect(404);
  });

  it('should deactivate a team only once it is empty, and give an inactive team no one', async () => {
    const patch = (id: string, version: number, body: object) =>
      http()
        .patch(`/api/v1/teams/${id}`)
        .set('If-Match', `"${version}"`)
        .auth(org.admin.token, { type: 'bearer' })
        .send(body);
    const team = (
      await http()
        .post('/api/v1/teams')
        .auth(org.admin.token, { type: 'bearer' })
        .send({
          name: 'Team Winding Down',
          supervisorIds: [org.supervisorB.id],
          memberIds: [org.peerB1.id],
        })
        .expect(201)
    ).body;
    await patch(team.id, 1, { active: 'no' }).expect(400);
    const occupied = await patch(team.id, 1, { active: false }).expect(422);
    expect(occupied.body).toEqual(
      problem(
        422,
        'BUSINESS_RULE_VIOLATION',
        'An inactive team cannot have supervisors or members; move them to another team first.',
      ),
    );
    const [still] = await t.dataSource.query(`SELECT active, version FROM team WHERE id = $1`, [
      team.id,
    ]);
    expect(still).toEqual({ active: true, version: 1 });

    const closed = await patch(team.id, 1, {
      active: false,
      supervisorIds: [],
      memberIds: [],
    }).expect(200);
    expect(closed.body).toEqual({
      id: team.id,
      name: 'Team Winding Down',
      active: false,
      version: 2,
      supervisorIds: [],
      memberIds: [],
    });
    await patch(team.id, 2, { memberIds: [org.peerB1.id] }).expect(422);
    const joining = await http()
      .patch(`/api/v1/users/${org.peerB1.id}`)
      .set(
        'If-Match',
        `"${(await t.dataSource.query(`SELECT version FROM app_user WHERE id = $1`, [org.peerB1.id]))[0].version}"`,
      )
      .auth(org.admin.token, { type: 'bearer' })
      .send({ teamIds: [team.id] })
      .expect(400);
    expect(joining.body.errors).toEqual([
      { field: 'teamIds', message: 'each team must be an active team of your organization' },
    ]);
    const reopened = await patch(team.id, 2, { active: true }).expect(200);
    expect(reopened.body).toMatchObject({ active: true, version: 3 });
  });
});
