import { randomUUID } from 'node:crypto';

import type { Bundle, MessageHeader, OperationOutcome } from '@medplum/fhirtypes';
import request from 'supertest';

import { createClient } from '../factories/client.factory';
import { createTestOrg, TestOrg } from '../factories/people.factory';
import { apiClientWithToken, TestApiClient } from '../helpers/api-client-token';
import { countAuditEvents } from '../helpers/audit';
import { expectValidFhir, fhirIssues } from '../helpers/fhir-validator';
import { dischargeNotification, EVENTS, Json, MRN } from '../helpers/fhir-notification';
import { bearer } from '../helpers/http';
import { TableSnapshot } from '../helpers/table-snapshot';
import { createTestApp, TestApp } from '../setup/create-test-app';

const FHIR_JSON = /^application\/fhir\+json/;
const notification = dischargeNotification;

const encounterOf = (b: Json): Json => b.entry[1].resource;
const patientOf = (b: Json): Json => b.entry[2].resource;
const headerOf = (b: Json): Json => b.entry[0].resource;

describe('FHIR $process-message (e2e)', () => {
  let t: TestApp;
  let org: TestOrg;
  let other: TestOrg;
  let ehr: TestApiClient;
  let reader: TestApiClient;
  const http = () => request(t.app.getHttpServer());
  // One Host for every request: supertest listens on a new port each time, and the answer names
  // this server's endpoint.
  const send = (body: unknown, token: string | null = ehr.token) => {
    const req = http()
      .post('/fhir/$process-message')
      .set('Host', 'rb.example.test')
      .set('Content-Type', 'application/fhir+json');
    return (token ? req.auth(token, bearer) : req).send(JSON.stringify(body));
  };
  const n = async (sql: string, params: unknown[]): Promise<number> =>
    (await t.dataSource.query(sql, params))[0].n;

  function expectOutcome(body: OperationOutcome, codes: string[]): void {
    expect(body.resourceType).toBe('OperationOutcome');
    expect(body.issue.length).toBeGreaterThan(0);
    for (const issue of body.issue) expect(codes).toContain(issue.code);
    expectValidFhir(body);
  }

  beforeAll(async () => {
    t = await createTestApp();
    org = await createTestOrg(t.app);
    other = await createTestOrg(t.app);
    ehr = await apiClientWithToken(t.app, org, ['discharges:write']);
    reader = await apiClientWithToken(t.app, org, ['system/Patient.read']);
  });
  afterAll(() => t.close());

  it('should be a valid Da Vinci-shaped test message itself (the fixture is valid FHIR R4)', () => {
    expect(fhirIssues(notification() as Bundle)).toEqual([]);
  });

  it('should answer 401 OperationOutcome without a token', async () => {
    const res = await send(notification(), null).expect(401);
    expect(res.headers['content-type']).toMatch(FHIR_JSON);
    expectOutcome(res.body, ['login']);
  });

  it('should answer 403 OperationOutcome to a token without discharges:write, and to staff', async () => {
    for (const token of [reader.token, org.supervisorA.token]) {
      const res = await send(notification(), token).expect(403);
      expectOutcome(res.body, ['forbidden']);
    }
    expect(await countAuditEvents(t.dataSource, { actorId: reader.id, outcome: 'denied' })).toBe(1);
  });

  it('should start the discharge bridge and answer a valid response message', async () => {
    const message = notification({ mrn: `MRN-${randomUUID().slice(0, 12)}` });
    const res = await send(message).expect(200);
    expect(res.headers['content-type']).toMatch(FHIR_JSON);
    const answer = res.body as Bundle;
    expectValidFhir(answer);
    expect(answer.type).toBe('message');
    const header = answer.entry?.[0]?.resource as MessageHeader;
    expect(header.resourceType).toBe('MessageHeader');
    expect(header.response).toEqual({ identifier: headerOf(message).id, code: 'ok' });
    expect(header.eventCoding).toEqual({ system: EVENTS, code: 'notification-discharge' });

    const focus = header.focus ?? [];
    const clientId = focus[0].reference?.replace('Patient/', '') as string;
    const dischargeId = focus[1].identifier?.value as string;
    const taskIds = focus.slice(2).map((f) => f.reference?.replace('Task/', ''));
    expect(focus[1].type).toBe('Encounter');

    const [client] = await t.dataSource.query(
      `SELECT organization_id, first_name, last_name, status, primary_specialist_id,
              to_char(date_of_birth, 'YYYY-MM-DD') AS dob FROM client WHERE id = $1`,
      [clientId],
    );
    expect(client).toEqual({
      organization_id: org.id,
      first_name: 'Robin',
      last_name: 'Notified',
      status: 'active',
      primary_specialist_id: null,
      dob: '1985-07-09',
    });
    const [ident] = await t.dataSource.query(
      `SELECT system, value FROM client_identifier WHERE client_id = $1`,
      [clientId],
    );
    expect(ident).toEqual(patientOf(message).identifier[0]);
    const [d] = await t.dataSource.query(
      `SELECT client_id, facility, level_of_care, admitted_at, discharged_at, disposition, planned,
              source, created_by_id FROM discharge WHERE id = $1`,
      [dischargeId],
    );
    expect(d).toEqual({
      client_id: clientId,
      facility: message.entry[3].resource.name,
      level_of_care: 'withdrawal_management',
      admitted_at: new Date(encounterOf(message).period.start),
      discharged_at: new Date(encounterOf(message).period.end),
      disposition: 'home',
      planned: true,
      source: 'integration',
      created_by_id: ehr.id,
    });
    const followUps: { id: string }[] = await t.dataSource.query(
      `SELECT id FROM follow_up WHERE discharge_id = $1 ORDER BY id`,
      [dischargeId],
    );
    expect(followUps.length).toBeGreaterThan(0);
    expect([...taskIds].sort()).toEqual(followUps.map((f) => f.id).sort());
    expect(
      await n(`SELECT count(*)::int AS n FROM outbox WHERE payload->>'followUpId' = ANY($1)`, [
        taskIds,
      ]),
    ).toBeGreaterThan(0);
    for (const action of ['client.create', 'discharge.create']) {
      expect(await countAuditEvents(t.dataSource, { action, clientId, actorId: ehr.id })).toBe(1);
    }
  });

  it('should map the Encounter class and the UB-04 disposition, against advice unplanned', async () => {
    const message = notification();
    const e = encounterOf(message);
    delete e.serviceType;
    e.class.code = 'EMER';
    e.hospitalization.dischargeDisposition = {
      coding: [{ system: 'https://www.nubc.org/CodeSystem/PatDischargeStatus', code: '07' }],
    };
    const res = await send(message).expect(200);
    const dischargeId = (res.body.entry[0].resource as MessageHeader).focus?.[1].identifier?.value;
    const [d] = await t.dataSource.query(
      `SELECT level_of_care, disposition, planned FROM discharge WHERE id = $1`,
      [dischargeId],
    );
    expect(d).toEqual({
      level_of_care: 'emergency_department',
      disposition: 'left against medical advice',
      planned: false,
    });
  });

  it('should have one effect and give the same answer for the same message sent twice', async () => {
    const message = notification();
    const first = await send(message).expect(200);
    const snapshot = await TableSnapshot.create(t.dataSource, ['audit_event']);
    const before = await snapshot.take();
    const again = await send(message).expect(200);
    expect(again.body).toEqual(first.body);
    expect(TableSnapshot.changed(before, await snapshot.take())).toEqual([]);
    const clientId = first.body.entry[0].resource.focus[0].reference.replace('Patient/', '');
    expect(
      await n(`SELECT count(*)::int AS n FROM discharge WHERE client_id = $1`, [clientId]),
    ).toBe(1);
  });

  it('should record one discharge for a burst of 50 copies of a new message, all given the same answer', async () => {
    const message = notification();
    const answers = await Promise.all(Array.from({ length: 50 }, () => send(message)));
    expect(answers.map((r) => r.status)).toEqual(answers.map(() => 200));
    for (const r of answers) expect(r.body).toEqual(answers[0].body);
    const clientId = answers[0].body.entry[0].resource.focus[0].reference.replace('Patient/', '');
    expect(
      await n(`SELECT count(*)::int AS n FROM discharge WHERE client_id = $1`, [clientId]),
    ).toBe(1);
    expect(
      await n(`SELECT count(*)::int AS n FROM client_identifier WHERE system = $1 AND value = $2`, [
        MRN,
        patientOf(message).identifier[0].value,
      ]),
    ).toBe(1);
  });

  describe('a message that is not valid FHIR R4, or not a discharge notification', () => {
    let snapshot: TableSnapshot;
    beforeAll(async () => {
      snapshot = await TableSnapshot.create(t.dataSource, ['audit_event']);
    });

    async function refused(body: unknown, codes: string[]): Promise<OperationOutcome> {
      const before = await snapshot.take();
      const res = await send(body).expect(400);
      expect(res.headers['content-type']).toMatch(FHIR_JSON);
      expectOutcome(res.body, codes);
      expect(TableSnapshot.changed(before, await snapshot.take())).toEqual([]);
      return res.body;
    }

    it('should refuse a Bundle without its type, naming the path', async () => {
      const message = notification();
      delete message.type;
      const outcome = await refused(message, ['structure', 'invalid']);
      expect(outcome.issue).toContainEqual(
        expect.objectContaining({ code: 'structure', expression: ['Bundle.type'] }),
      );
    });

    it('should refuse a bad date, naming the path and not the value', async () => {
      const message = notification({ birthDate: '1985-02-30X' });
      encounterOf(message).period.end = '2026-13-45T10:00:00Z';
      const outcome = await refused(message, ['structure', 'invalid']);
      const paths = outcome.issue.flatMap((i) => i.expression ?? []);
      expect(paths).toEqual(
        expect.arrayContaining([
          'Bundle.entry[1].resource.period.end',
          'Bundle.entry[2].resource.birthDate',
        ]),
      );
      const text = JSON.stringify(outcome);
      expect(text).not.toContain('1985');
      expect(text).not.toContain('2026-13-45');
      expect(text).not.toContain(patientOf(message).identifier[0].value);
    });

    it('should refuse another resource than a Bundle, and a Bundle of another type', async () => {
      await refused({ resourceType: 'Patient', birthDate: '1985-07-09' }, ['structure']);
      const collection = notification();
      collection.type = 'collection';
      const outcome = await refused(collection, ['invalid']);
      expect(outcome.issue[0].expression).toEqual(['Bundle.type']);
    });

    it('should refuse another event than the discharge notification', async () => {
      const message = notification();
      headerOf(message).eventCoding.code = 'notification-admit';
      const outcome = await refused(message, ['not-supported']);
      expect(outcome.issue[0].expression).toEqual(['Bundle.entry[0].resource.eventCoding']);
    });

    it('should refuse an Encounter that is not finished, or whose end is a date without a time', async () => {
      const inProgress = notification();
      encounterOf(inProgress).status = 'in-progress';
      const a = await refused(inProgress, ['invalid']);
      expect(a.issue[0].expression).toEqual(['Bundle.entry[1].resource.status']);
      const dateOnly = notification();
      encounterOf(dateOnly).period = { end: '2026-11-30' };
      const b = await refused(dateOnly, ['invalid']);
      expect(b.issue[0].expression).toEqual(['Bundle.entry[1].resource.period.end']);
    });

    it('should refuse an Encounter class without a level of care, and a Patient without an identifier', async () => {
      const virtual = notification();
      delete encounterOf(virtual).serviceType;
      encounterOf(virtual).class.code = 'VR';
      const a = await refused(virtual, ['invalid']);
      expect(a.issue[0].expression).toEqual(['Bundle.entry[1].resource.class']);
      const anonymous = notification();
      delete patientOf(anonymous).identifier;
      const b = await refused(anonymous, ['invalid']);
      expect(b.issue[0].expression).toEqual(['Bundle.entry[2].resource.identifier']);
    });
  });

  it('should never match a client another organization holds with the same identifier', async () => {
    const value = `MRN-${randomUUID().slice(0, 12)}`;
    const theirs = await createClient(t.dataSource, {
      organizationId: other.id,
      dateOfBirth: '1985-07-09',
      identifiers: [{ system: MRN, value }],
    });
    const res = await send(notification({ mrn: value })).expect(200);
    const clientId = res.body.entry[0].resource.focus[0].reference.replace('Patient/', '');
    expect(clientId).not.toBe(theirs);
    const [row] = await t.dataSource.query(`SELECT organization_id FROM client WHERE id = $1`, [
      clientId,
    ]);
    expect(row.organization_id).toBe(org.id);
    expect(await n(`SELECT count(*)::int AS n FROM discharge WHERE client_id = $1`, [theirs])).toBe(
      0,
    );
  });
});
