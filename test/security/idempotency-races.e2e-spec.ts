import { randomUUID } from 'node:crypto';

import request from 'supertest';

import { createClient } from '../factories/client.factory';
import { createTestOrg, TestOrg } from '../factories/people.factory';
import { problem } from '../helpers/problem';
import { createTestApp, TestApp } from '../setup/create-test-app';

const BURST = 50;

// One Idempotency-Key under a burst (SPEC 1): one effect, whatever the interleaving. Every other
// request is answered with the first response (replayed), 409 while it runs, or 422 when its body
// is another request's.
describe('Idempotency-Key under a burst of 50 (security e2e)', () => {
  let t: TestApp;
  let org: TestOrg;
  const http = () => request(t.app.getHttpServer());
  const noteBody = (narrative: string) => {
    const end = Date.now() - 3600_000;
    return {
      startedAt: new Date(end - 30 * 60_000).toISOString(),
      endedAt: new Date(end).toISOString(),
      contactType: 'phone',
      format: 'narrative',
      sections: { narrative },
    };
  };
  const postNote = (clientId: string, key: string, body: Record<string, unknown>) =>
    http()
      .post(`/api/v1/clients/${clientId}/session-notes`)
      .auth(org.peerA1.token, { type: 'bearer' })
      .set('Idempotency-Key', key)
      .send(body)
      .then((r) => r);
  const notesOf = (clientId: string): Promise<{ id: string }[]> =>
    t.dataSource.query(`SELECT id FROM session_note WHERE client_id = $1`, [clientId]);
  const inFlight = problem(
    409,
    'IDEMPOTENCY_IN_FLIGHT',
    'A request with this Idempotency-Key is in progress.',
  );

  beforeAll(async () => {
    t = await createTestApp();
    org = await createTestOrg(t.app);
  });
  afterAll(() => t.close());

  it('should write once for 50 parallel requests with one key and one body; the rest replay or get 409', async () => {
    const clientId = await createClient(t.dataSource, {
      organizationId: org.id,
      specialistId: org.peerA1.id,
    });
    const key = randomUUID();
    const body = noteBody('Same request, sent fifty times.');
    const responses = await Promise.all(
      Array.from({ length: BURST }, () => postNote(clientId, key, body)),
    );
    const notes = await notesOf(clientId);
    expect(notes).toHaveLength(1);
    const originals = responses.filter(
      (r) => r.status === 201 && r.headers['idempotent-replayed'] === undefined,
    );
    expect(originals).toHaveLength(1);
    expect(originals[0].body.id).toBe(notes[0].id);
    for (const r of responses) {
      if (r.status === 201) {
        expect(r.body).toEqual(originals[0].body);
      } else {
        expect(r.status).toBe(409);
        expect(r.body).toEqual(inFlight);
        expect(r.headers['retry-after']).toBe('1');
      }
    }
    // After the burst, the key answers with the first response.
    const replay = await postNote(clientId, key, body);
    expect(replay.status).toBe(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toEqual(originals[0].body);
    const [{ n }] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM idempotency_key WHERE principal_id = $1 AND key = $2`,
      [org.peerA1.id, key],
    );
    expect(n).toBe(1);
  });

  it('should write once for 50 parallel requests with one key and 50 bodies; the other 49 get 422', async () => {
    const clientId = await createClient(t.dataSource, {
      organizationId: org.id,
      specialistId: org.peerA1.id,
    });
    const key = randomUUID();
    const bodies = Array.from({ length: BURST }, (_, i) => noteBody(`Request number ${i}.`));
    const responses = await Promise.all(bodies.map((body) => postNote(clientId, key, body)));
    const notes = await t.dataSource.query(
      `SELECT id, sections->>'narrative' AS narrative FROM session_note WHERE client_id = $1`,
      [clientId],
    );
    expect(notes).toHaveLength(1);
    const created = responses.filter((r) => r.status === 201);
    expect(created).toHaveLength(1);
    expect(created[0].headers['idempotent-replayed']).toBeUndefined();
    expect(created[0].body.id).toBe(notes[0].id);
    const winner = responses.indexOf(created[0]);
    expect(notes[0].narrative).toBe(`Request number ${winner}.`);
    const reused = problem(
      422,
      'IDEMPOTENCY_KEY_REUSED',
      'This Idempotency-Key was used with another request.',
    );
    for (const r of responses) {
      if (r !== created[0]) {
        expect(r.status).toBe(422);
        expect(r.body).toEqual(reused);
      }
    }
  });
});
