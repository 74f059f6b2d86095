import { randomBytes, randomUUID } from 'node:crypto';

import { INestApplicationContext } from '@nestjs/common';
import { getQueueToken } from '@nestjs/bullmq';
import { Queue } from 'bullmq';
import Redis from 'ioredis';
import request from 'supertest';

import { QueueName } from '../../src/queue/jobs';
import { createWorker } from '../../src/worker';
import {
  buildApiWorld,
  clientBody,
  fixturePathId,
  noteBody,
  ApiWorld,
  WorldText,
} from '../helpers/api-world';
import { bearer } from '../helpers/http';
import { loadOpenApi, operationsOf } from '../helpers/openapi-contract';
import { eventually } from '../helpers/eventually';
import { OutputCapture } from '../helpers/output-capture';
import { TEST_ENV } from '../setup/test-env';
import { createTestApp, TestApp } from '../setup/create-test-app';

// One random tag; every free-text field and identifier of the world carries it. The date of birth
// and phone carry no letters, so they are canaries of their own.
const TAG = randomBytes(6).toString('hex');
const mark = (field: string) => `CANARY${TAG}${field}`;
const DOB = `19${30 + (randomBytes(1)[0] % 60)}-0${1 + (randomBytes(1)[0] % 9)}-1${randomBytes(1)[0] % 10}`;
const PHONE = `+1 555 ${100_0000 + (randomBytes(3).readUIntBE(0, 3) % 899_9999)}`;
const TEXT: WorldText = {
  firstName: mark('First'),
  lastName: mark('Last'),
  preferredName: mark('Preferred'),
  dateOfBirth: DOB,
  email: `canary${TAG}@example.test`,
  phone: PHONE,
  medicaidId: mark('Medicaid'),
  planTitle: mark('PlanTitle'),
  strength: mark('Strength'),
  goalDescription: mark('Goal'),
  actionStep: mark('ActionStep'),
  noteText: mark('NoteText'),
  addendumText: mark('Addendum'),
  facility: mark('Facility'),
  disposition: mark('Disposition'),
  groupTopic: mark('GroupTopic'),
  participation: mark('Participation'),
  referralReason: mark('ReferralReason'),
};
const CANARIES = [TAG, DOB, PHONE];

/** The canaries found in `corpus`, with a little context around each. */
function hits(corpus: string): string[] {
  const found: string[] = [];
  const lower = corpus.toLowerCase();
  for (const canary of CANARIES) {
    let at = lower.indexOf(canary.toLowerCase());
    while (at >= 0 && found.length < 20) {
      found.push(`${canary}: …${corpus.slice(Math.max(0, at - 120), at + 80)}…`);
      at = lower.indexOf(canary.toLowerCase(), at + 1);
    }
  }
  return found;
}

describe('PHI canaries never reach logs, Redis, job payloads, errors, metrics or audit rows (e2e)', () => {
  const capture = new OutputCapture();
  const jobsAdded: string[] = [];
  const errorResponses: string[] = [];
  let t: TestApp;
  let worker: INestApplicationContext;
  let world: ApiWorld;
  let redis: Redis;
  let readsAnswered = 0;
  const http = () => request(t.app.getHttpServer());

  /** Sends, and keeps every error answer (status, headers, body) for the search. */
  async function send(req: request.Test): Promise<request.Response> {
    const res = await req;
    if (res.status >= 400) {
      errorResponses.push(`${res.status} ${JSON.stringify(res.headers)} ${res.text}`);
    }
    return res;
  }

  function spyOnQueues(): void {
    const record = (name: string, data: unknown, opts: unknown) =>
      jobsAdded.push(JSON.stringify({ name, data, opts }));
    const addBulk = Queue.prototype.addBulk;
    jest.spyOn(Queue.prototype, 'addBulk').mockImplementation(function (this: Queue, jobs) {
      for (const job of jobs) record(job.name, job.data, job.opts);
      return addBulk.call(this, jobs);
    });
    const add = Queue.prototype.add;
    jest.spyOn(Queue.prototype, 'add').mockImplementation(function (this: Queue, name, data, opts) {
      record(name, data, opts);
      return add.call(this, name, data, opts);
    });
  }

  beforeAll(async () => {
    // Log everything the code can log, and keep it.
    process.env.LOG_LEVEL = 'trace';
    capture.start();
    spyOnQueues();
    t = await createTestApp();
    worker = await createWorker();
    redis = new Redis(TEST_ENV.REDIS_URL);
    world = await buildApiWorld(t.app, TEXT);
    readsAnswered = await exerciseReads();
    await exerciseFaults();
    await exerciseJobs();
    await waitForTheWorker();
  }, 90_000);

  afterAll(async () => {
    capture.stop();
    jest.restoreAllMocks();
    redis?.disconnect();
    await worker?.close();
    await t?.close();
  });

  /** Every GET of openapi.yaml, as each role, on the canary records: reads log and audit too. */
  async function exerciseReads(): Promise<number> {
    const { org } = world;
    let answered = 0;
    for (const op of operationsOf(loadOpenApi()).filter((o) => o.method === 'get')) {
      for (const user of [org.admin, org.supervisorA, org.peerA1]) {
        let url = op.path;
        for (const p of op.parameters.filter((q) => q.in === 'path')) {
          url = url.replace(`{${p.name}}`, fixturePathId(world, op.path, p.name, user.id));
        }
        const query = op.operationId.startsWith('Reports_')
          ? { from: '2020-01-01', to: '2030-01-01' }
          : {};
        const res = await send(http().get(url).query(query).auth(user.token, bearer));
        if (res.status === 200) answered++;
      }
    }
    return answered;
  }

  async function exerciseFaults(): Promise<void> {
    const { org, clientId, planId, goalId, draftNoteId, signedNoteId } = world;
    const peer = org.peerA1.token;
    // Validation errors with the canary in the rejected input.
    await send(
      http()
        .post('/api/v1/clients')
        .auth(peer, bearer)
        .send({ ...clientBody(TEXT), dateOfBirth: mark('BadDob'), email: mark('BadEmail') }),
    );
    await send(
      http()
        .post(`/api/v1/clients/${clientId}/session-notes`)
        .auth(peer, bearer)
        .send({
          ...noteBody(TEXT),
          contactType: mark('BadContact'),
          setting: mark('S').repeat(40),
        }),
    );
    await send(
      http()
        .post(`/api/v1/recovery-plans/${planId}/goals`)
        .auth(peer, bearer)
        .send({ description: mark('GoalBadDomain'), domain: mark('Domain') }),
    );
    // Malformed JSON and an oversized body, both holding the canary.
    await send(
      http()
        .post('/api/v1/clients')
        .auth(peer, bearer)
        .set('Content-Type', 'application/json')
        .send(`{"firstName":"${mark('Malformed')}",`),
    );
    await send(
      http()
        .post('/api/v1/clients')
        .auth(peer, bearer)
        .send({ ...clientBody(TEXT), preferredName: mark('Huge').repeat(20_000) }),
    );
    // 409 duplicate (same name and date of birth), 404s, name searches in the query string.
    await send(http().post('/api/v1/clients').auth(peer, bearer).send(clientBody(TEXT)));
    await send(http().get(`/api/v1/clients/${randomUUID()}`).auth(peer, bearer));
    await send(http().get('/api/v1/clients').query({ q: TEXT.lastName }).auth(peer, bearer));
    await send(
      http()
        .get('/api/v1/clients')
        .query({ identifier: `urn:medicaid|${TEXT.medicaidId}` })
        .auth(peer, bearer),
    );
    await send(
      http()
        .get('/api/v1/clients')
        .query({ q: mark('Nobody'), cursor: mark('Cursor') })
        .auth(peer, bearer),
    );
    // A well-formed cursor holding canaries: the database sees them (an invalid uuid, a bad date).
    const cursor = Buffer.from(JSON.stringify([mark('CursorKey'), mark('CursorId')])).toString(
      'base64url',
    );
    await send(http().get('/api/v1/users').query({ cursor }).auth(org.admin.token, bearer));
    await send(
      http().get(`/api/v1/clients/${clientId}/timeline`).query({ cursor }).auth(peer, bearer),
    );
    // 428 and 412 on writes carrying the canary; 403 for a role that may not.
    await send(
      http()
        .patch(`/api/v1/clients/${clientId}`)
        .auth(peer, bearer)
        .send({ firstName: mark('NoIfMatch') }),
    );
    await send(
      http()
        .patch(`/api/v1/goals/${goalId}`)
        .auth(peer, bearer)
        .set('If-Match', '"999"')
        .send({ description: mark('StaleGoal') }),
    );
    await send(
      http()
        .patch(`/api/v1/session-notes/${draftNoteId}`)
        .auth(org.peerA2.token, bearer)
        .set('If-Match', '"1"')
        .send({ sections: { narrative: mark('OtherAuthor') } }),
    );
    await send(
      http()
        .post(`/api/v1/clients/${clientId}/session-notes`)
        .auth(org.admin.token, bearer)
        .send(noteBody({ ...TEXT, noteText: mark('AdminNote') })),
    );
    // A signed note is locked (409), a review asking for revision carries a comment.
    await send(
      http()
        .patch(`/api/v1/session-notes/${signedNoteId}`)
        .auth(peer, bearer)
        .set('If-Match', '"2"')
        .send({ sections: { narrative: mark('EditSigned') } }),
    );
    await send(
      http()
        .post(`/api/v1/session-notes/${signedNoteId}/review`)
        .auth(org.supervisorA.token, bearer)
        .send({ decision: 'needs_revision', comment: mark('ReviewComment') }),
    );
    // Idempotency: the first, a replay, and the same key with another body (422).
    const key = randomUUID();
    const body = clientBody({ ...TEXT, lastName: mark('Idem'), medicaidId: mark('IdemMedicaid') });
    for (const b of [body, body, { ...body, firstName: mark('IdemOther') }]) {
      await send(
        http().post('/api/v1/clients').auth(peer, bearer).set('Idempotency-Key', key).send(b),
      );
    }
    // Failed logins with the canary as email and password, then a lockout (a job).
    await send(
      http()
        .post('/api/v1/auth/login')
        .send({ email: TEXT.email, password: mark('Password') }),
    );
    for (let i = 0; i < 10; i++) {
      await send(
        http()
          .post('/api/v1/auth/login')
          .set('X-Forwarded-For', `198.51.100.${i}`)
          .send({ email: org.peerA2.email, password: mark('WrongPassword') }),
      );
    }
  }

  async function exerciseJobs(): Promise<void> {
    const { org, clientId, followUpId } = world;
    const peer = org.peerA1.token;
    // A crisis flag notifies the supervisors through the outbox and the worker.
    await send(
      http()
        .post(`/api/v1/clients/${clientId}/session-notes`)
        .auth(peer, bearer)
        .send(
          noteBody({ ...TEXT, noteText: mark('CrisisNote') }, [
            'overdose_risk',
            'suicidal_ideation',
          ]),
        ),
    );
    // Repeated "unable to reach" attempts escalate; a cancellation carries a reason.
    for (let i = 0; i < 3; i++) {
      await send(
        http()
          .post(`/api/v1/follow-ups/${followUpId}/attempts`)
          .auth(peer, bearer)
          .send({ method: 'phone', outcome: 'unable_to_reach', note: mark(`Attempt${i}`) }),
      );
    }
    await send(
      http()
        .post(`/api/v1/follow-ups/${followUpId}/cancel`)
        .auth(peer, bearer)
        .send({ reason: mark('CancelReason') }),
    );
    // A readmission pauses the remaining follow-ups.
    await send(
      http()
        .post(`/api/v1/clients/${clientId}/readmissions`)
        .auth(peer, bearer)
        .send({
          facility: mark('Readmit'),
          levelOfCare: 'inpatient',
          admittedAt: new Date().toISOString(),
        }),
    );
  }

  async function waitForTheWorker(): Promise<void> {
    await eventually(
      async () => {
        const [{ n }] = await t.dataSource.query(
          `SELECT count(*)::int AS n FROM outbox WHERE dispatched_at IS NULL AND run_at <= now()`,
        );
        if (n > 0) return undefined;
        for (const name of Object.values(QueueName)) {
          const queue = worker.get<Queue>(getQueueToken(name), { strict: false });
          const counts = await queue.getJobCounts('wait', 'active', 'prioritized');
          if (counts.wait + counts.active + counts.prioritized > 0) return undefined;
        }
        return true;
      },
      30_000,
      'the outbox and queues to drain',
    );
  }

  async function redisCorpus(): Promise<string> {
    const parts: string[] = [];
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'COUNT', 500);
      cursor = next;
      for (const key of keys) parts.push(key, await redisValue(key));
    } while (cursor !== '0');
    return parts.join('\n');
  }

  async function redisValue(key: string): Promise<string> {
    switch (await redis.type(key)) {
      case 'string':
        return (await redis.get(key)) ?? '';
      case 'hash':
        return JSON.stringify(await redis.hgetall(key));
      case 'list':
        return JSON.stringify(await redis.lrange(key, 0, -1));
      case 'set':
        return JSON.stringify(await redis.smembers(key));
      case 'zset':
        return JSON.stringify(await redis.zrange(key, 0, -1, 'WITHSCORES'));
      case 'stream':
        return JSON.stringify(await redis.xrange(key, '-', '+'));
      default:
        return '';
    }
  }

  const rows = async (sql: string): Promise<string> =>
    ((await t.dataSource.query(sql)) as { r: string }[]).map((x) => x.r).join('\n');

  it('should have stored the canaries where they belong (the search can find them)', async () => {
    const res = await http()
      .get(`/api/v1/clients/${world.clientId}`)
      .auth(world.org.peerA1.token, bearer)
      .expect(200);
    expect(hits(res.text).length).toBeGreaterThanOrEqual(3);
    const stored = await rows(
      `SELECT row_to_json(c)::text AS r FROM client c WHERE organization_id = '${world.org.id}'`,
    );
    expect(stored).toContain(TEXT.lastName);
    expect(stored).toContain(DOB);
    expect(await rows(`SELECT row_to_json(s)::text AS r FROM session_note s`)).toContain(
      mark('CrisisNote'),
    );
    expect(await rows(`SELECT row_to_json(a)::text AS r FROM follow_up_attempt a`)).toContain(
      mark('Attempt2'),
    );
    expect(await rows(`SELECT row_to_json(x)::text AS r FROM referral_out x`)).toContain(
      mark('ReferralReason'),
    );
    // Every GET ran (most answered 200) and the worker ran the jobs the faults enqueued.
    expect(readsAnswered).toBeGreaterThan(60);
    const kinds = await rows(`SELECT DISTINCT kind AS r FROM notification ORDER BY 1`);
    expect(kinds.split('\n')).toEqual(
      expect.arrayContaining(['note.crisis-flag', 'security.account-locked']),
    );
  });

  it('should write no canary to the logs (at trace level, API and worker)', () => {
    const logs = capture.output;
    expect(logs).toContain('request completed');
    expect(logs.length).toBeGreaterThan(10_000);
    expect(hits(logs)).toEqual([]);
  });

  it('should keep no canary in any Redis key or value (BullMQ jobs, limits, caches)', async () => {
    const corpus = await redisCorpus();
    expect(corpus).toContain(`${TEST_ENV.QUEUE_PREFIX}:`);
    expect(hits(corpus)).toEqual([]);
  });

  it('should put no canary in a job payload, as added to BullMQ', () => {
    const names = jobsAdded.map((j) => JSON.parse(j).name as string);
    expect(names).toEqual(expect.arrayContaining(['note.crisis-flag', 'security.account-locked']));
    expect(hits(jobsAdded.join('\n'))).toEqual([]);
  });

  it('should answer no error with a canary in its body or headers', () => {
    const statuses = new Set(errorResponses.map((r) => r.slice(0, 3)));
    expect([...statuses].sort()).toEqual(
      expect.arrayContaining(['400', '401', '403', '404', '409', '412', '413', '422', '428']),
    );
    expect(hits(errorResponses.join('\n'))).toEqual([]);
  });

  it('should expose no canary in /metrics', async () => {
    const res = await http().get('/metrics').expect(200);
    expect(res.text).toContain('http_request_duration');
    expect(hits(res.text)).toEqual([]);
  });

  it('should keep no canary in audit events, the outbox, notifications or idempotency fingerprints', async () => {
    const corpora = {
      audit_event: await rows(`SELECT row_to_json(a)::text AS r FROM audit_event a`),
      outbox: await rows(`SELECT row_to_json(o)::text AS r FROM outbox o`),
      follow_up_job: await rows(`SELECT row_to_json(j)::text AS r FROM follow_up_job j`),
      notification: await rows(`SELECT row_to_json(n)::text AS r FROM notification n`),
      idempotency_key: await rows(
        `SELECT concat_ws(' ', principal_id, key, route, encode(request_hash, 'hex'), state) AS r FROM idempotency_key`,
      ),
    };
    for (const [table, corpus] of Object.entries(corpora)) {
      expect({ table, empty: corpus.length === 0 }).toEqual({ table, empty: false });
      expect({ table, hits: hits(corpus) }).toEqual({ table, hits: [] });
    }
  });
});
