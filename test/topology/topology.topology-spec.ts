import { execFile } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { createServer, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { Queue } from 'bullmq';
import Redis, { Cluster } from 'ioredis';
import { Client } from 'pg';

import { DEMO_IDS } from '../../src/database/seeds/demo-ids';

const run = promisify(execFile);
const DIR = process.env.RB_TOPOLOGY_DIR ?? '/tmp/rb-topology';
const ROOT = join(__dirname, '..', '..');

/** topology.env, written by `npm run topology:up` once everything answers. Throws when absent. */
function topologyEnv(): Record<string, string> {
  const file = join(DIR, 'topology.env');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new Error(`The test topology is not up (no ${file}): run npm run topology:up first.`);
  }
  return Object.fromEntries(
    text
      .split('\n')
      .filter((line) => line.includes('='))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
}

const env = topologyEnv();
const LB = env.RB_TOPOLOGY_LB_URL;
const PASSWORD = 'Recovery-Demo-2026!';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Answer {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

async function call(
  method: string,
  path: string,
  token?: string,
  body?: unknown,
  base = LB,
): Promise<Answer> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: res.status, body: parsed };
}

async function login(email: string): Promise<string> {
  const res = await call('POST', '/api/v1/auth/login', undefined, { email, password: PASSWORD });
  expect(res.status).toBe(200);
  return res.body.accessToken as string;
}

async function sql<T>(url: string, text: string, values: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text, values)).rows as T[];
  } finally {
    await client.end();
  }
}
const primary = <T>(text: string, values: unknown[] = []) =>
  sql<T>(env.RB_TOPOLOGY_PRIMARY_URL, text, values);

async function eventually<T>(probe: () => Promise<T | undefined>, ms: number, what: string) {
  const until = Date.now() + ms;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(250);
  }
}

const pidOf = (name: string) => Number(readFileSync(join(DIR, 'pids', `${name}.pid`), 'utf8'));
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
async function kill(name: string): Promise<void> {
  const pid = pidOf(name);
  process.kill(pid, 'SIGKILL');
  await eventually(async () => (alive(pid) ? undefined : true), 5000, `${name} to die`);
}
/**
 * Starts a killed process again and waits until it serves: an API until it is ready, a worker until
 * its first heartbeat (written once its queues' workers run), Postgres and Redis (start.sh waits).
 * A process that fails to start fails the case that killed it, not a later one.
 */
async function restart(name: string): Promise<void> {
  const heartbeat = join(DIR, 'run', `${name}.heartbeat`);
  if (name.startsWith('worker-')) rmSync(heartbeat, { force: true }); // the killed one's last
  await run('bash', [join(ROOT, 'scripts/topology/start.sh'), name]);
  if (name.startsWith('worker-')) {
    await eventually(
      async () => (existsSync(heartbeat) ? true : undefined),
      60_000,
      `${name}'s heartbeat`,
    );
  } else if (name.startsWith('api-')) {
    const url = env.RB_TOPOLOGY_API_URLS.split(',')[Number(name.slice(4)) - 1];
    await eventually(
      async () => ((await fetch(`${url}/health/ready`)).ok ? true : undefined),
      60_000,
      `${name} to be ready`,
    );
  }
}

/** Closes a client (If-Match: its version), so that it no longer counts in its peer's caseload cap. */
async function closeClient(id: string, token: string): Promise<void> {
  const headers = { authorization: `Bearer ${token}` };
  const current = await fetch(`${LB}/api/v1/clients/${id}`, { headers });
  const closed = await fetch(`${LB}/api/v1/clients/${id}`, {
    method: 'PATCH',
    headers: {
      ...headers,
      'content-type': 'application/json',
      'if-match': current.headers.get('etag') ?? '',
    },
    body: JSON.stringify({ status: 'closed' }),
  });
  expect(closed.status).toBe(200);
}

/** The Redis Cluster through ioredis, as the service sees it (masters given, replicas found). */
const redisNodes = () =>
  env.RB_TOPOLOGY_REDIS_NODES.split(',').map((n) => {
    const [host, port] = n.split(':');
    return { host, port: Number(port) };
  });
async function slotOwner(cluster: Cluster, slot: number): Promise<number | undefined> {
  const ranges = await cluster.cluster('SLOTS');
  return ranges.find(([from, to]) => slot >= from && slot <= to)?.[2]?.[1];
}
const QUEUE_PREFIX = '{rb}'; // QUEUE_PREFIX in a hash tag: every queue's keys in one slot
const JOB_STATES = ['delayed', 'wait', 'active', 'completed', 'failed', 'prioritized'] as const;

const dischargeBody = () => {
  const dischargedAt = new Date(Date.now() - 2 * 3600_000);
  return {
    facility: `Topology Withdrawal Center ${Math.random().toString(36).slice(2, 8)}`,
    levelOfCare: 'withdrawal_management',
    admittedAt: new Date(dischargedAt.getTime() - 5 * 24 * 3600_000).toISOString(),
    dischargedAt: dischargedAt.toISOString(),
    disposition: 'home',
    planned: true,
  };
};
const noteBody = (riskFlags: string[] = []) => {
  const startedAt = new Date(Date.now() - 3 * 3600_000);
  return {
    startedAt: startedAt.toISOString(),
    endedAt: new Date(startedAt.getTime() + 45 * 60_000).toISOString(),
    contactType: 'in_person',
    setting: 'community',
    format: 'DAP',
    sections: { data: 'Met at the library to plan the week.', assessment: 'Hopeful.' },
    interventions: ['recovery_planning'],
    riskFlags,
  };
};

/**
 * Issue 17 points 2, 4 and 5 end to end: two APIs behind HAProxy and two workers, through
 * PgBouncer (transaction mode) to a Postgres primary with a streaming replica, on a three-master
 * Redis Cluster. Smoke first, then failover cases; the topology is left up (killed processes are
 * started again).
 */
describe('test topology (npm run topology:up)', () => {
  let peer: string;
  let supervisor: string;
  let admin: string;
  let clientId: string;
  /** Everything the API acknowledged: table and id, checked on the primary at the end. */
  const acknowledged: { table: string; id: string }[] = [];

  afterAll(async () => {
    // Closed, so that the next run's clients fit in peer1's caseload cap.
    if (clientId) await closeClient(clientId, peer);
  });

  beforeAll(async () => {
    const ready = await fetch(`${LB}/health/ready`).catch((err: Error) => err);
    if (ready instanceof Error || !ready.ok) {
      throw new Error(`The test topology does not answer at ${LB}: run npm run topology:up.`);
    }
    peer = await login('peer1@demo.test');
    supervisor = await login('supervisor@demo.test');
    admin = await login('admin@demo.test');
  });

  describe('the topology', () => {
    it('should stream the primary to a hot standby', async () => {
      const streaming = await primary<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_stat_replication WHERE state = 'streaming'`,
      );
      expect(streaming).toEqual([{ n: 1 }]);
      const standby = await sql<{ recovery: boolean }>(
        env.RB_TOPOLOGY_REPLICA_URL,
        'SELECT pg_is_in_recovery() AS recovery',
      );
      expect(standby).toEqual([{ recovery: true }]);
    });

    it('should have the APIs and workers connect through PgBouncer in transaction mode', async () => {
      const admin = new URL(env.RB_TOPOLOGY_PGBOUNCER_URL);
      admin.username = 'postgres';
      admin.pathname = '/pgbouncer';
      const pools = await sql<{ database: string; pool_mode: string }>(
        admin.toString(),
        'SHOW POOLS',
      );
      expect(pools.find((p) => p.database === 'recovery_bridge')?.pool_mode).toBe('transaction');
      const clients = await sql<{ user: string; database: string }>(
        admin.toString(),
        'SHOW CLIENTS',
      );
      const app = clients.filter((c) => c.user === 'recovery_bridge_app');
      expect(app.length).toBeGreaterThanOrEqual(4); // at least one pooled connection per process
    });

    it('should run a three-master Redis Cluster', async () => {
      const [host, port] = env.RB_TOPOLOGY_REDIS_NODES.split(',')[0].split(':');
      const redis = new Redis(Number(port), host);
      try {
        expect(await redis.cluster('INFO')).toMatch(/cluster_state:ok[\s\S]*cluster_size:3/);
      } finally {
        redis.disconnect();
      }
    });
  });

  describe('smoke, through the load balancer', () => {
    it('should create a client and record a discharge with its cadence of follow-ups', async () => {
      const created = await call('POST', '/api/v1/clients', peer, {
        firstName: 'Topo',
        lastName: `Smokewell-${Date.now()}`,
        dateOfBirth: '1991-03-04',
      });
      expect(created.status).toBe(201);
      clientId = created.body.id;
      acknowledged.push({ table: 'client', id: clientId });
      expect((await call('GET', `/api/v1/clients/${clientId}`, peer)).status).toBe(200);

      const discharge = await call(
        'POST',
        `/api/v1/clients/${clientId}/discharges`,
        peer,
        dischargeBody(),
      );
      expect(discharge.status).toBe(201);
      acknowledged.push({ table: 'discharge', id: discharge.body.id });
      const labels = (discharge.body.followUps as { label: string }[]).map((f) => f.label).sort();
      expect(labels).toEqual([
        'barc10-day-30',
        'day-14',
        'day-2',
        'day-30',
        'day-60',
        'day-7',
        'day-90',
        'warm-handoff',
      ]);
      // A worker's outbox relay hands every follow-up job to BullMQ on the cluster.
      await eventually(
        async () => {
          const [row] = await primary<{ pending: number; total: number }>(
            `SELECT count(*) FILTER (WHERE o.dispatched_at IS NULL)::int AS pending, count(*)::int AS total
             FROM follow_up f JOIN follow_up_job j ON j.follow_up_id = f.id JOIN outbox o ON o.job_id = j.job_id
             WHERE f.discharge_id = $1`,
            [discharge.body.id],
          );
          return row.total >= 8 && row.pending === 0 ? true : undefined;
        },
        15_000,
        'the discharge jobs to be dispatched',
      );
    });

    it('should list a session note at once after creating it', async () => {
      const note = await call(
        'POST',
        `/api/v1/clients/${clientId}/session-notes`,
        peer,
        noteBody(),
      );
      expect(note.status).toBe(201);
      acknowledged.push({ table: 'session_note', id: note.body.id });
      for (let i = 0; i < 4; i++) {
        const list = await call('GET', `/api/v1/clients/${clientId}/session-notes`, peer);
        expect(list.status).toBe(200);
        expect((list.body.items as { id: string }[]).map((n) => n.id)).toContain(note.body.id);
      }
    });

    it('should show the caseload dashboard, under concurrent reads (unnamed statements through PgBouncer 1.18)', async () => {
      const answers = await Promise.all(
        Array.from({ length: 24 }, () => call('GET', '/api/v1/caseloads', supervisor)),
      );
      expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200));
      const first = answers[0].body.items[0] as { specialistId: string };
      const details = await Promise.all(
        Array.from({ length: 12 }, () =>
          call('GET', `/api/v1/caseloads/${first.specialistId}`, supervisor),
        ),
      );
      expect(details.map((a) => a.status)).toEqual(details.map(() => 200));
    });

    it('should answer FHIR searches (unnamed statements through PgBouncer 1.18)', async () => {
      const created = await call('POST', '/api/v1/api-clients', admin, {
        name: `Topology EHR ${Date.now()}`,
        scopes: ['system/Patient.read'],
      });
      expect(created.status).toBe(201);
      const token = await fetch(`${LB}/oauth/token`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${created.body.clientId}:${created.body.clientSecret}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: 'grant_type=client_credentials&scope=system%2FPatient.read',
      }).then((r) => r.json() as Promise<{ access_token: string }>);
      const answers = await Promise.all(
        Array.from({ length: 12 }, () => call('GET', '/fhir/Patient?_count=5', token.access_token)),
      );
      expect(answers.map((a) => [a.status, a.body.resourceType])).toEqual(
        answers.map(() => [200, 'Bundle']),
      );
    });
  });

  describe('failover', () => {
    it('should keep answering through HAProxy while one API is killed', async () => {
      await kill('api-1');
      try {
        const statuses: number[] = [];
        for (let i = 0; i < 40; i++) statuses.push((await call('GET', '/api/v1/me', peer)).status);
        expect(statuses.filter((s) => s !== 200)).toEqual([]);
        const note = await call(
          'POST',
          `/api/v1/clients/${clientId}/session-notes`,
          peer,
          noteBody(),
        );
        expect(note.status).toBe(201);
        acknowledged.push({ table: 'session_note', id: note.body.id });
      } finally {
        await restart('api-1');
      }
    });

    it('should process jobs on the other worker while one is killed', async () => {
      await kill('worker-1');
      try {
        const note = await call(
          'POST',
          `/api/v1/clients/${clientId}/session-notes`,
          peer,
          noteBody(['overdose_risk']),
        );
        expect(note.status).toBe(201);
        acknowledged.push({ table: 'session_note', id: note.body.id });
        // The crisis-flag job (outbox, relay, BullMQ, handler) runs on worker-2 alone.
        const told = await eventually(
          async () => {
            const [row] = await primary<{ n: number }>(
              `SELECT count(*)::int AS n FROM notification WHERE resource_id = $1 AND kind = 'note.crisis-flag'`,
              [note.body.id],
            );
            return row.n > 0 ? row.n : undefined;
          },
          30_000,
          'the crisis-flag notification',
        );
        expect(told).toBeGreaterThan(0);
      } finally {
        await restart('worker-1');
      }
    });

    it('should lose no follow-up when the queues’ Redis master is killed while discharges are recorded', async () => {
      const cluster = new Cluster(redisNodes(), { enableOfflineQueue: true });
      const failoverClients: string[] = [];
      const followUps = new Queue('follow-ups', {
        connection: new Cluster(redisNodes(), { redisOptions: { maxRetriesPerRequest: null } }),
        prefix: QUEUE_PREFIX,
      }).on('error', () => undefined);
      try {
        const slot = Number(await cluster.cluster('KEYSLOT', QUEUE_PREFIX));
        const masterPort = await slotOwner(cluster, slot);
        expect(masterPort).toBeDefined();
        const recordDischarge = async (): Promise<Answer> => {
          const created = await call('POST', '/api/v1/clients', peer, {
            firstName: 'Topo',
            lastName: `Failover-${Date.now()}-${Math.random().toString(36).slice(2, 6)}`,
            dateOfBirth: '1990-05-06',
          });
          if (created.status !== 201) return created;
          acknowledged.push({ table: 'client', id: created.body.id });
          failoverClients.push(created.body.id);
          return call(
            'POST',
            `/api/v1/clients/${created.body.id}/discharges`,
            peer,
            dischargeBody(),
          );
        };
        const results: Answer[] = [];
        for (let i = 0; i < 3; i++) results.push(await recordDischarge());
        // SIGKILL: no goodbye to the cluster, and its last writes may never reach the replica.
        const redisPid = Number(
          readFileSync(join(DIR, 'redis', String(masterPort), 'redis.pid'), 'utf8'),
        );
        process.kill(redisPid, 'SIGKILL');
        for (let i = 0; i < 12; i++) {
          results.push(await recordDischarge());
          await sleep(200);
        }
        // Its replica takes over the slots (a node timeout of 1 s).
        await eventually(
          async () => {
            const owner = await slotOwner(cluster, slot);
            return owner !== undefined && owner !== masterPort ? owner : undefined;
          },
          30_000,
          'a replica to take over the queues’ slot',
        );
        for (let i = 0; i < 3; i++) results.push(await recordDischarge());
        // A discharge needs Postgres only: every one is acknowledged, through the failover too.
        expect(results.map((r) => r.status)).toEqual(results.map(() => 201));
        const discharges = results.map((r) => r.body.id as string);
        discharges.forEach((id) => acknowledged.push({ table: 'discharge', id }));
        const perDischarge = await primary<{ n: number }>(
          `SELECT count(f.id)::int AS n FROM unnest($1::uuid[]) d(id)
           LEFT JOIN follow_up f ON f.discharge_id = d.id GROUP BY d.id`,
          [discharges],
        );
        expect(perDischarge.map((r) => r.n)).toEqual(discharges.map(() => 8));
        // Every follow-up's job is on the promoted master, once: dispatched late by the outbox
        // relay or restored by the reconciler when the failover lost it.
        const expected = (
          await primary<{ job_id: string }>(
            `SELECT j.job_id FROM follow_up_job j JOIN follow_up f ON f.id = j.follow_up_id
             WHERE f.discharge_id = ANY ($1) AND j.done_at IS NULL`,
            [discharges],
          )
        ).map((r) => r.job_id);
        expect(expected.length).toBeGreaterThan(0);
        const inRedis = await eventually(
          async () => {
            const ids = (await followUps.getJobs([...JOB_STATES])).map((j) => j.id!);
            return expected.every((id) => ids.includes(id)) ? ids : undefined;
          },
          60_000,
          'every follow-up job on the cluster after the failover',
        );
        expect(new Set(inRedis).size).toBe(inRedis.length);
        await eventually(
          async () => {
            const [row] = await primary<{ n: number }>(
              `SELECT count(*)::int AS n FROM outbox WHERE dispatched_at IS NULL`,
            );
            return row.n === 0 ? true : undefined;
          },
          60_000,
          'the outbox dispatched after the failover',
        );
      } finally {
        // Closed again, so that the next run's clients fit in peer1's caseload cap.
        for (const id of failoverClients) await closeClient(id, peer);
        // The killed node comes back as a replica of the node that replaced it (any node may be
        // the queues' master by now: an earlier run's failover swapped a pair).
        const ports = [env.RB_TOPOLOGY_REDIS_NODES, env.RB_TOPOLOGY_REDIS_REPLICA_NODES]
          .join(',')
          .split(',')
          .map((n) => n.split(':')[1]);
        for (const port of ports) {
          const pid = Number(readFileSync(join(DIR, 'redis', port, 'redis.pid'), 'utf8'));
          if (!alive(pid)) await restart(`redis-${port}`);
        }
        await followUps.close();
        cluster.disconnect();
      }
    });

    it('should redeliver a webhook on the other worker when the worker sending it is killed mid-request', async () => {
      // The receiver holds the first request open: the job is in flight on one worker.
      const requests: { webhookId: string; res: ServerResponse }[] = [];
      const receiver = createServer((req, res) => {
        req.resume();
        req.on('end', () => {
          requests.push({ webhookId: String(req.headers['webhook-id']), res });
          if (requests.length > 1) res.writeHead(200, { 'content-length': '0' }).end();
        });
      });
      await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
      const port = (receiver.address() as AddressInfo).port;
      const hook = await call('POST', '/api/v1/webhooks', admin, {
        url: `http://127.0.0.1:${port}/hooks`,
        events: ['client.discharged'],
        apiClientId: DEMO_IDS.apiClient,
      });
      expect(hook.status).toBe(201);
      let killed: string | undefined;
      try {
        // Juniper consented to the demo API client's hearing of her follow-ups.
        const discharge = await call(
          'POST',
          `/api/v1/clients/${DEMO_IDS.client}/discharges`,
          peer,
          dischargeBody(),
        );
        expect(discharge.status).toBe(201);
        acknowledged.push({ table: 'discharge', id: discharge.body.id });
        await eventually(
          async () => (requests.length > 0 ? true : undefined),
          30_000,
          'the webhook',
        );
        // Which worker holds the request: the process on the other end of the receiver's socket.
        const { stdout } = await run('ss', [
          '-Htnp',
          'state',
          'established',
          `( dport = :${port} )`,
        ]);
        const pids = [...stdout.matchAll(/pid=(\d+)/g)].map((m) => Number(m[1]));
        killed = ['worker-1', 'worker-2'].find((name) => pids.includes(pidOf(name)));
        expect(killed).toBeDefined();
        await kill(killed!);
        // Its lock lapses (WORKER_LOCK_DURATION_MS=5000), the other worker's stalled check takes the
        // job back, and sends it again: the same webhook-id, for the receiver to deduplicate.
        await eventually(
          async () => (requests.length > 1 ? true : undefined),
          60_000,
          'a redelivery',
        );
        expect(requests[1].webhookId).toBe(requests[0].webhookId);
        const delivery = await eventually(
          async () => {
            const rows = await primary<{ status: string; attempts: number }>(
              `SELECT status, attempts FROM webhook_delivery WHERE webhook_id = $1`,
              [hook.body.id],
            );
            return rows[0]?.status === 'delivered' ? rows : undefined;
          },
          30_000,
          'the delivery to be marked delivered',
        );
        expect(delivery).toHaveLength(1);
      } finally {
        await call('PATCH', `/api/v1/webhooks/${hook.body.id}`, admin, { active: false });
        requests.forEach((r) => r.res.destroy());
        receiver.close();
        if (killed) await restart(killed);
      }
    });

    it('should keep writing while the Postgres replica restarts, and read from it again once it is back', async () => {
      const replicaPid = Number(
        readFileSync(join(DIR, 'replica', 'postmaster.pid'), 'utf8').split('\n')[0],
      );
      process.kill(replicaPid, 'SIGQUIT'); // immediate shutdown: recovery on the next start
      await eventually(
        async () => (alive(replicaPid) ? undefined : true),
        10_000,
        'the replica to stop',
      );
      let note: Answer;
      try {
        // Writes (and the reads of a write's own request) go to the primary.
        note = await call('POST', `/api/v1/clients/${clientId}/session-notes`, peer, noteBody());
        expect(note.status).toBe(201);
        acknowledged.push({ table: 'session_note', id: note.body.id });
      } finally {
        await restart('replica');
      }
      // The audit search reads from the replica: once it has caught up, the note's event is there.
      const found = await eventually(
        async () => {
          const res = await call(
            'GET',
            `/api/v1/audit-events?clientId=${clientId}&action=session-note.create`,
            admin,
          );
          const items = res.status === 200 ? (res.body.items as { resourceId: string }[]) : [];
          return items.find((e) => e.resourceId === note.body.id);
        },
        60_000,
        'the note’s audit event read from the restarted replica',
      );
      expect(found).toMatchObject({ action: 'session-note.create', resourceId: note.body.id });
      const [lag] = await sql<{ replaying: boolean }>(
        env.RB_TOPOLOGY_REPLICA_URL,
        `SELECT pg_is_in_recovery() AS replaying`,
      );
      expect(lag.replaying).toBe(true);
    });

    it('should have kept every acknowledged write and an intact audit chain', async () => {
      for (const { table, id } of acknowledged) {
        const rows = await primary<{ n: number }>(
          `SELECT count(*)::int AS n FROM ${table} WHERE id = $1`,
          [id],
        );
        expect({ table, id, n: rows[0].n }).toEqual({ table, id, n: 1 });
      }
      const verify = await call('GET', '/api/v1/audit-events/verify', admin);
      expect(verify.status).toBe(200);
      expect(verify.body).toMatchObject({ valid: true, firstBrokenId: null });
    });
  });
});
