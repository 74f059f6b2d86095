import { randomUUID } from 'node:crypto';

import request from 'supertest';

import { createClient } from '../factories/client.factory';
import { createTestOrg, TestOrg } from '../factories/people.factory';
import { apiClientWithToken, TestApiClient } from '../helpers/api-client-token';
import { countAuditEvents } from '../helpers/audit';
import { bearer } from '../helpers/http';
import { adt } from '../helpers/hl7';
import { problem } from '../helpers/problem';
import { createTestApp, TestApp } from '../setup/create-test-app';

const OID = '2.16.840.1.113883.19.5';
const ER7 = 'x-application/hl7-v2+er7';

describe('HL7 v2 ADT feed (e2e)', () => {
  let t: TestApp;
  let org: TestOrg;
  let ehr: TestApiClient;
  let reader: TestApiClient;
  const http = () => request(t.app.getHttpServer());
  const send = (token: string, body: string, type = ER7) =>
    http()
      .post('/api/v1/integrations/hl7v2')
      .auth(token, bearer)
      .set('Content-Type', type)
      .send(body);
  const msa = (text: string) => text.split('\r').find((s) => s.startsWith('MSA|'));
  const err = (text: string) => text.split('\r').find((s) => s.startsWith('ERR|'));
  const n = async (sql: string, params: unknown[]): Promise<number> =>
    (await t.dataSource.query(sql, params))[0].n;
  const unique = () => ({
    controlId: `MSG-${randomUUID()}`,
    mrn: `MRN-${randomUUID().slice(0, 10)}`,
  });
  const pid3 = (mrn: string) => `${mrn}^^^RIVERSIDE&${OID}&ISO^MR`;

  beforeAll(async () => {
    t = await createTestApp();
    org = await createTestOrg(t.app);
    ehr = await apiClientWithToken(t.app, org, ['discharges:write']);
    reader = await apiClientWithToken(t.app, org, ['system/Patient.read', 'referrals:write']);
  });
  afterAll(() => t.close());

  it('should answer 401 without a token and 403 without discharges:write', async () => {
    await http()
      .post('/api/v1/integrations/hl7v2')
      .set('Content-Type', ER7)
      .send(adt())
      .expect(401);
    const res = await send(reader.token, adt()).expect(403);
    expect(res.body).toEqual(problem(403, 'FORBIDDEN', 'Your role may not perform this action.'));
  });

  it('should start the bridge for an A03 and answer AA in ER7', async () => {
    const { controlId, mrn } = unique();
    const res = await send(
      ehr.token,
      adt({ controlId, pid3: pid3(mrn), pv1: { 10: 'DTX' } }),
    ).expect(200);
    expect(res.headers['content-type']).toMatch(/^x-application\/hl7-v2\+er7/);
    expect(msa(res.text)).toBe(`MSA|AA|${controlId}|OK`);
    const [d] = await t.dataSource.query(
      `SELECT d.id, d.client_id, d.facility, d.level_of_care, d.admitted_at, d.discharged_at, d.disposition,
         d.planned, d.source, c.first_name, c.last_name, to_char(c.date_of_birth, 'YYYY-MM-DD') AS dob,
         c.primary_specialist_id
       FROM discharge d JOIN client c ON c.id = d.client_id
       JOIN client_identifier ci ON ci.client_id = c.id
       WHERE ci.organization_id = $1 AND ci.system = $2 AND ci.value = $3`,
      [org.id, `urn:oid:${OID}`, mrn],
    );
    expect(d).toMatchObject({
      facility: 'RIVERSIDE DETOX',
      level_of_care: 'withdrawal_management',
      admitted_at: new Date('2026-11-25T14:00:00Z'),
      discharged_at: new Date('2026-12-01T13:00:00Z'),
      disposition: 'home',
      planned: true,
      source: 'integration',
      first_name: 'Jane',
      last_name: 'Doe',
      dob: '1988-03-04',
      primary_specialist_id: null,
    });
    expect(
      await n(`SELECT count(*)::int AS n FROM follow_up WHERE discharge_id = $1`, [d.id]),
    ).toBe(8);
    const [message] = await t.dataSource.query(
      `SELECT sender, event, outcome, client_id, discharge_id FROM inbound_message WHERE control_id = $1`,
      [controlId],
    );
    expect(message).toEqual({
      sender: 'EPIC^RIVERSIDE',
      event: 'A03',
      outcome: 'accepted',
      client_id: d.client_id,
      discharge_id: d.id,
    });
    expect(
      await countAuditEvents(t.dataSource, { action: 'discharge.create', resourceId: d.id }),
    ).toBe(1);
  });

  it('should acknowledge the same message again without a second effect, also in a burst', async () => {
    const { controlId, mrn } = unique();
    const body = adt({ controlId, pid3: pid3(mrn) });
    const first = await send(ehr.token, body, 'text/plain').expect(200);
    expect(first.headers['content-type']).toMatch(/^text\/plain/);
    const again = await Promise.all(Array.from({ length: 20 }, () => send(ehr.token, body)));
    for (const res of [first, ...again]) expect(msa(res.text)).toBe(`MSA|AA|${controlId}|OK`);
    expect(
      await n(
        `SELECT count(*)::int AS n FROM follow_up f JOIN client_identifier ci ON ci.client_id = f.client_id
         WHERE ci.value = $1`,
        [mrn],
      ),
    ).toBe(8);
    expect(
      await n(`SELECT count(*)::int AS n FROM inbound_message WHERE control_id = $1`, [controlId]),
    ).toBe(1);
  });

  it('should start no second cadence for the same discharge under a new control id', async () => {
    const { mrn } = unique();
    for (const controlId of [`A-${randomUUID()}`, `B-${randomUUID()}`]) {
      const res = await send(ehr.token, adt({ controlId, pid3: pid3(mrn) })).expect(200);
      expect(msa(res.text)).toBe(`MSA|AA|${controlId}|OK`);
    }
    expect(
      await n(
        `SELECT count(*)::int AS n FROM follow_up f JOIN client_identifier ci ON ci.client_id = f.client_id
         WHERE ci.value = $1`,
        [mrn],
      ),
    ).toBe(8);
  });

  it('should record an A01 or A04 without a client or a cadence', async () => {
    for (const event of ['A01', 'A04']) {
      const { controlId, mrn } = unique();
      const res = await send(ehr.token, adt({ event, controlId, pid3: pid3(mrn) })).expect(200);
      expect(msa(res.text)).toBe(`MSA|AA|${controlId}|OK`);
      const [row] = await t.dataSource.query(
        `SELECT event, client_id, discharge_id FROM inbound_message WHERE control_id = $1`,
        [controlId],
      );
      expect(row).toEqual({ event, client_id: null, discharge_id: null });
      expect(
        await n(`SELECT count(*)::int AS n FROM client_identifier WHERE value = $1`, [mrn]),
      ).toBe(0);
    }
  });

  it('should answer AE with the reason for a missing field, and record nothing', async () => {
    const { controlId, mrn } = unique();
    const res = await send(ehr.token, adt({ controlId, pid3: pid3(mrn), pv1: { 45: '' } })).expect(
      200,
    );
    expect(msa(res.text)).toBe(`MSA|AE|${controlId}|PV1-45 is missing.`);
    expect(err(res.text)).toBe(
      'ERR||PV1^1^45|101^PV1-45 is missing.^HL70357|E||||PV1-45 is missing.',
    );
    expect(
      await n(`SELECT count(*)::int AS n FROM inbound_message WHERE control_id = $1`, [controlId]),
    ).toBe(0);
  });

  it('should answer AE naming no one when the identifier belongs to someone born on another day', async () => {
    const { controlId, mrn } = unique();
    await createClient(t.dataSource, {
      organizationId: org.id,
      dateOfBirth: '1970-01-01',
      identifiers: [{ system: `urn:oid:${OID}`, value: mrn }],
    });
    const res = await send(ehr.token, adt({ controlId, pid3: pid3(mrn) })).expect(200);
    expect(msa(res.text)).toBe(
      `MSA|AE|${controlId}|The identifiers match a client whose details differ from this message; resolve the record before sending it again.`,
    );
    expect(res.text).not.toContain(mrn);
    expect(res.text).not.toContain('1970');
  });

  it('should answer AR for a malformed segment, an unsupported event and a text without MSH', async () => {
    const { controlId } = unique();
    const malformed = await send(ehr.token, adt({ controlId, extra: ['garbage line'] })).expect(
      200,
    );
    expect(msa(malformed.text)).toBe(`MSA|AR|${controlId}|Segment 5 is malformed.`);
    const a08 = await send(ehr.token, adt({ controlId, event: 'A08' })).expect(200);
    expect(msa(a08.text)).toBe(`MSA|AR|${controlId}|Only ADT A01, A03 and A04 are accepted.`);
    const none = await send(ehr.token, 'hello').expect(200);
    expect(msa(none.text)).toBe('MSA|AR||The message has no MSH segment.');
    expect(
      await n(`SELECT count(*)::int AS n FROM inbound_message WHERE control_id = $1`, [controlId]),
    ).toBe(0);
  });
});
