import { randomUUID } from 'node:crypto';

import fc from 'fast-check';
import request from 'supertest';

import { Role } from '../../src/auth/permissions';
import { FollowUpJobsService } from '../../src/modules/follow-ups/follow-up-jobs.service';
import { FollowUpRepository } from '../../src/modules/follow-ups/follow-up.repository';
import { WebhookEventsService } from '../../src/modules/webhooks/webhook-events.service';
import { NotificationsService } from '../../src/modules/notifications/notifications.service';
import { ScheduledScanRepository } from '../../src/modules/scheduled-scans/scheduled-scan.repository';
import { ScheduledScansService } from '../../src/modules/scheduled-scans/scheduled-scans.service';
import { SessionNoteAlertsService } from '../../src/modules/session-notes/session-note-alerts.service';
import { SessionNoteRepository } from '../../src/modules/session-notes/session-note.repository';
import {
  createCertification,
  createClient,
  createCoverage,
  createFollowUp,
} from '../factories/client.factory';
import { createGoal, createPlan } from '../factories/recovery-plan.factory';
import { createNote } from '../factories/session-note.factory';
import {
  createOrganization,
  createTeam,
  createTestOrg,
  createUser,
  TestOrg,
  TestUser,
} from '../factories/people.factory';
import { bearer } from '../helpers/http';
import { createTestApp, TestApp } from '../setup/create-test-app';

type CoverageKind = 'active' | 'expired' | 'future' | 'revoked';

interface World {
  teams: number;
  supervisors: number[][]; // teams each supervisor supervises
  peers: number[][]; // teams each peer is a member of
  clients: { peer: number | null; status: 'referred' | 'active' | 'inactive' | 'closed' }[];
  coverage: { client: number; peer: number; kind: CoverageKind }[];
}

const world: fc.Arbitrary<World> = fc.integer({ min: 1, max: 3 }).chain((teams) => {
  const teamSet = fc.uniqueArray(fc.integer({ min: 0, max: teams - 1 }), { maxLength: teams });
  return fc.integer({ min: 1, max: 4 }).chain((peerCount) =>
    fc.record({
      teams: fc.constant(teams),
      supervisors: fc.array(teamSet, { minLength: 1, maxLength: 3 }),
      peers: fc.array(teamSet, { minLength: peerCount, maxLength: peerCount }),
      clients: fc.array(
        fc.record({
          peer: fc.option(fc.integer({ min: 0, max: peerCount - 1 }), { nil: null }),
          status: fc.constantFrom(
            'referred' as const,
            'active' as const,
            'inactive' as const,
            'closed' as const,
          ),
        }),
        { maxLength: 8 },
      ),
      coverage: fc.array(
        fc.record({
          client: fc.nat(),
          peer: fc.integer({ min: 0, max: peerCount - 1 }),
          kind: fc.constantFrom<CoverageKind>('active', 'expired', 'future', 'revoked'),
        }),
        { maxLength: 4 },
      ),
    }),
  );
});

const HOUR = 3_600_000;
const COVERAGE_TIMES: Record<CoverageKind, { startsAt: Date; endsAt: Date; revoked?: boolean }> = {
  active: { startsAt: new Date(Date.now() - HOUR), endsAt: new Date(Date.now() + 24 * HOUR) },
  expired: { startsAt: new Date(Date.now() - 3 * HOUR), endsAt: new Date(Date.now() - HOUR) },
  future: { startsAt: new Date(Date.now() + 12 * HOUR), endsAt: new Date(Date.now() + 24 * HOUR) },
  revoked: {
    startsAt: new Date(Date.now() - HOUR),
    endsAt: new Date(Date.now() + 24 * HOUR),
    revoked: true,
  },
};

/** The records of one client that each have an id of their own. */
interface ClientRecords {
  plan: string;
  goal: string;
  note: string;
  followUp: string;
}

describe('client scope (property, e2e)', () => {
  let t: TestApp;
  let stranger: TestOrg;
  let strangerClient: string;
  const http = () => request(t.app.getHttpServer());

  beforeAll(async () => {
    t = await createTestApp();
    stranger = await createTestOrg(t.app);
    strangerClient = await createClient(t.dataSource, {
      organizationId: stranger.id,
      specialistId: null,
    });
  });
  afterAll(() => t.close());

  /** Builds the world in a fresh organization; answers each caller with the ids they should see. */
  async function build(w: World): Promise<{
    callers: { user: TestUser; expected: Set<string> }[];
    all: string[];
    records: Map<string, ClientRecords>;
    peers: TestUser[];
    sups: TestUser[];
    orgId: string;
    supervised: Set<string>[];
  }> {
    const ds = t.dataSource;
    const orgId = await createOrganization(ds);
    const teams = await Promise.all(Array.from({ length: w.teams }, () => createTeam(ds, orgId)));
    const peers = await Promise.all(
      w.peers.map((ts) =>
        createUser(
          t.app,
          orgId,
          Role.PeerSpecialist,
          ts.map((i) => teams[i]),
        ),
      ),
    );
    const sups = await Promise.all(
      w.supervisors.map((ts) =>
        createUser(
          t.app,
          orgId,
          Role.Supervisor,
          ts.map((i) => teams[i]),
        ),
      ),
    );
    const admin = await createUser(t.app, orgId, Role.Admin);
    const clients: string[] = [];
    for (const c of w.clients) {
      clients.push(
        await createClient(ds, {
          organizationId: orgId,
          specialistId: c.peer === null ? null : peers[c.peer].id,
          status: c.status,
        }),
      );
    }
    const records = new Map<string, ClientRecords>();
    for (const [i, clientId] of clients.entries()) {
      const peer = w.clients[i].peer;
      const plan = await createPlan(ds, { id: clientId, organizationId: orgId });
      const author = peers[peer ?? 0].id;
      records.set(clientId, {
        plan: plan.id,
        goal: (await createGoal(ds, plan)).id,
        note: await createNote(ds, {
          organizationId: orgId,
          clientId,
          authorId: author,
          status: 'signed',
        }),
        followUp: await createFollowUp(ds, {
          organizationId: orgId,
          clientId,
          ownerId: peer === null ? null : peers[peer].id,
          dueAt: new Date(Date.now() - HOUR),
        }),
      });
      await ds.query(
        `INSERT INTO assessment (organization_id, client_id, instrument, answers, total, administered_by_id)
         VALUES ($1, $2, 'BARC-10', '{5,5,5,5,5,5,5,5,5,5}', 50, $3)`,
        [orgId, clientId, author],
      );
    }
    const covered = new Map<number, Set<string>>();
    for (const cv of clients.length ? w.coverage : []) {
      const clientId = clients[cv.client % clients.length];
      await createCoverage(ds, {
        clientId,
        specialistId: peers[cv.peer].id,
        ...COVERAGE_TIMES[cv.kind],
      });
      if (cv.kind === 'active')
        covered.set(cv.peer, new Set([...(covered.get(cv.peer) ?? []), clientId]));
    }
    const byPeer = (p: number) => new Set(clients.filter((_, i) => w.clients[i].peer === p));
    const supervisedPeers = (s: number) =>
      new Set(
        w.peers.flatMap((ts, p) => (ts.some((x) => w.supervisors[s].includes(x)) ? [p] : [])),
      );
    const callers = [
      { user: admin, expected: new Set(clients) },
      ...peers.map((user, p) => ({
        user,
        expected: new Set([...byPeer(p), ...(covered.get(p) ?? [])]),
      })),
      ...sups.map((user, s) => {
        const supervised = supervisedPeers(s);
        return {
          user,
          expected: new Set(
            clients.filter(
              (_, i) => w.clients[i].peer === null || supervised.has(w.clients[i].peer!),
            ),
          ),
        };
      }),
    ];
    const supervised = [
      new Set(peers.map((p) => p.id)), // the admin: every specialist of the organization
      ...peers.map(() => new Set<string>()),
      ...sups.map((_, i) => new Set([...supervisedPeers(i)].map((p) => peers[p].id))),
    ];
    return { callers, all: clients, records, peers, sups, orgId, supervised };
  }

  const bodyWithoutCorrelation = (body: Record<string, unknown>) => ({
    ...body,
    correlationId: undefined,
  });

  it('should return only in-scope rows from every list and 404 every out-of-scope id like a missing one', async () => {
    await fc.assert(
      fc.asyncProperty(world, async (w) => {
        const { callers, all } = await build(w);
        for (const { user, expected } of callers) {
          for (const qs of ['', '&assigned=false', '&status=active']) {
            const res = await http()
              .get(`/api/v1/clients?limit=100${qs}`)
              .auth(user.token, bearer)
              .expect(200);
            const ids: string[] = res.body.items.map((c: { id: string }) => c.id);
            for (const id of ids) expect(expected.has(id)).toBe(true);
            if (qs === '') expect(new Set(ids)).toEqual(expected);
          }
          const missing = await http()
            .get(`/api/v1/clients/${randomUUID()}`)
            .auth(user.token, bearer)
            .expect(404);
          const outside = [...all.filter((id) => !expected.has(id)), strangerClient];
          for (const id of outside) {
            const res = await http()
              .get(`/api/v1/clients/${id}`)
              .auth(user.token, bearer)
              .expect(404);
            expect(bodyWithoutCorrelation(res.body)).toEqual(bodyWithoutCorrelation(missing.body));
          }
          await http()
            .get(`/api/v1/clients/${outside[0]}/assignments`)
            .auth(user.token, bearer)
            .expect(404);
          for (const id of expected)
            await http().get(`/api/v1/clients/${id}`).auth(user.token, bearer).expect(200);
        }
      }),
      { numRuns: 15 },
    );
  }, 60_000);

  /** Lists and reads of one client's records; each answers 200 in scope, 404 outside it. */
  const SUB_LISTS: [
    string,
    (body: { items?: { clientId: string }[] }) => { clientId: string }[],
  ][] = [
    ['recovery-plans', (b) => b.items ?? []],
    ['session-notes', (b) => b.items ?? []],
    ['assessments', (b) => b.items ?? []],
    ['assessments/trend', () => []],
    ['timeline', () => []],
    ['group-participation', () => []],
    ['assignments', () => []],
    ['coverage', (b) => b.items ?? []],
    ['consents', (b) => b.items ?? []],
  ];
  const CLINICAL = new Set([
    'recovery-plans',
    'session-notes',
    'assessments',
    'assessments/trend',
    'timeline',
    'group-participation',
  ]);

  it('should keep every list, sub-resource and record of plans, goals, notes, assessments, follow-ups and caseloads in scope', async () => {
    await fc.assert(
      fc.asyncProperty(world, async (w) => {
        const { callers, all, records, supervised } = await build(w);
        const get = (user: TestUser, path: string) => http().get(path).auth(user.token, bearer);
        for (const [c, { user, expected }] of callers.entries()) {
          const isAdmin = user.role === Role.Admin;
          // Top-level lists: every row belongs to a client in scope.
          if (!isAdmin) {
            const notes = await get(user, '/api/v1/session-notes?limit=100').expect(200);
            for (const n of notes.body.items)
              expect([n.id, expected.has(n.clientId)]).toEqual([n.id, true]);
            for (const view of [
              '',
              '&view=mine',
              '&view=due-today',
              '&view=overdue',
              '&view=needs-assignment',
            ]) {
              const res = await get(user, `/api/v1/follow-ups?limit=100${view}`).expect(200);
              for (const f of res.body.items)
                expect([view, f.clientId, expected.has(f.clientId)]).toEqual([
                  view,
                  f.clientId,
                  true,
                ]);
            }
          } else {
            await get(user, '/api/v1/session-notes').expect(403);
            await get(user, '/api/v1/follow-ups').expect(403);
          }
          if (user.role !== Role.PeerSpecialist) {
            const caseloads = await get(user, '/api/v1/caseloads?limit=100').expect(200);
            const shown = new Set<string>(
              caseloads.body.items.map((i: { specialistId: string }) => i.specialistId),
            );
            for (const id of shown) expect(supervised[c].has(id)).toBe(true);
            for (const peer of callers.filter((x) => x.user.role === Role.PeerSpecialist)) {
              const detail = await get(user, `/api/v1/caseloads/${peer.user.id}`);
              expect([peer.user.id, detail.status]).toEqual([
                peer.user.id,
                supervised[c].has(peer.user.id) ? 200 : 404,
              ]);
              if (detail.status === 200) {
                for (const cl of detail.body.clients) expect(expected.has(cl.id)).toBe(true);
              }
            }
          } else {
            await get(user, '/api/v1/caseloads').expect(403);
          }
          // Every client of the world, and one of another organization: in scope 200, else 404.
          for (const clientId of [...all, strangerClient]) {
            const inScope = expected.has(clientId);
            for (const [sub, rows] of SUB_LISTS) {
              const res = await get(user, `/api/v1/clients/${clientId}/${sub}`);
              const want = isAdmin && CLINICAL.has(sub) ? 403 : inScope ? 200 : 404;
              expect([sub, res.status]).toEqual([sub, want]);
              if (res.status === 200)
                for (const r of rows(res.body)) expect(r.clientId).toBe(clientId);
            }
            const own = records.get(clientId);
            if (!own) continue;
            const reads: [string, boolean][] = [
              [`/api/v1/recovery-plans/${own.plan}`, true],
              [`/api/v1/recovery-plans/${own.plan}/goals`, true],
              [`/api/v1/goals/${own.goal}`, true],
              [`/api/v1/session-notes/${own.note}`, true],
              [`/api/v1/follow-ups/${own.followUp}`, true],
              [`/api/v1/follow-ups?clientId=${clientId}`, true],
            ];
            for (const [path, clinical] of reads) {
              const res = await get(user, path);
              const want = isAdmin && clinical ? 403 : inScope ? 200 : 404;
              expect([path, res.status]).toEqual([path, want]);
              if (res.status === 200 && res.body.clientId) expect(res.body.clientId).toBe(clientId);
            }
          }
        }
      }),
      { numRuns: 8 },
    );
  }, 180_000);

  /** Recipients of notifications of `kind` about `resourceId`. */
  const recipientsOf = async (kind: string, resourceId: string): Promise<Set<string>> =>
    new Set(
      (
        await t.dataSource.query(
          `SELECT recipient_id FROM notification WHERE kind = $1 AND resource_id = $2`,
          [kind, resourceId],
        )
      ).map((r: { recipient_id: string }) => r.recipient_id),
    );

  it('should keep the audit list, the review queue, every specialist filter and the alert recipients in scope', async () => {
    const notifications = t.app.get(NotificationsService);
    const scans = new ScheduledScansService(new ScheduledScanRepository(t.dataSource));
    const alerts = new SessionNoteAlertsService(
      new SessionNoteRepository(t.dataSource),
      notifications,
    );
    const followUpJobs = new FollowUpJobsService(
      new FollowUpRepository(t.dataSource),
      notifications,
      t.app.get(WebhookEventsService),
    );
    await fc.assert(
      fc.asyncProperty(world, async (w) => {
        const { callers, all, records, peers, sups, orgId, supervised } = await build(w);
        const ds = t.dataSource;
        const get = (user: TestUser, path: string) => http().get(path).auth(user.token, bearer);
        const peerOf = (clientId: string) => w.clients[all.indexOf(clientId)].peer;
        const primaryOf = (clientId: string) => {
          const p = peerOf(clientId);
          return p === null ? null : peers[p].id;
        };
        const authorOf = (clientId: string) => peers[peerOf(clientId) ?? 0].id; // as build() writes
        // The supervisors of any team peer `p` is a member of (never a co-supervisor's reach).
        const supervisorsOf = (p: number) =>
          new Set(
            sups.flatMap((s, i) =>
              w.supervisors[i].some((x) => w.peers[p].includes(x)) ? [s.id] : [],
            ),
          );
        const everySupervisor = new Set(sups.map((s) => s.id));

        // Everyone leaves a trail: a denied read of a client that does not exist, and a read of
        // one of their clients.
        for (const { user, expected } of callers) {
          await get(user, `/api/v1/clients/${randomUUID()}`).expect(404);
          const [first] = expected;
          if (first) await get(user, `/api/v1/clients/${first}`).expect(200);
        }

        for (const [c, { user, expected }] of callers.entries()) {
          const role = user.role;
          // Audit list (SPEC 9): an admin, the organization's events; a supervisor, those of the
          // specialists on the teams they supervise and their own, never a co-supervisor's.
          if (role === Role.PeerSpecialist) {
            await get(user, '/api/v1/audit-events').expect(403);
          } else {
            const actors =
              role === Role.Admin
                ? new Set(callers.map((x) => x.user.id))
                : new Set([user.id, ...supervised[c]]);
            const seen = new Set<string>();
            let cursor: string | null = null;
            do {
              const qs: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
              const res = await get(user, `/api/v1/audit-events?limit=100${qs}`).expect(200);
              for (const e of res.body.items) if (e.actorId) seen.add(e.actorId);
              cursor = res.body.nextCursor;
            } while (cursor);
            expect([user.id, [...seen].sort()]).toEqual([user.id, [...actors].sort()]);
            for (const { user: other } of callers) {
              const res = await get(user, `/api/v1/audit-events?limit=1&actorId=${other.id}`);
              expect([other.id, res.status, res.body.items.length]).toEqual([
                other.id,
                200,
                actors.has(other.id) ? 1 : 0,
              ]);
            }
            for (const clientId of all) {
              const res = await get(user, `/api/v1/audit-events?limit=100&clientId=${clientId}`);
              expect(res.status).toBe(200);
              for (const e of res.body.items)
                expect([clientId, e.actorId, actors.has(e.actorId)]).toEqual([
                  clientId,
                  e.actorId,
                  true,
                ]);
            }
            // Caseload dashboard: exactly the specialists in scope.
            const caseloads = await get(user, '/api/v1/caseloads?limit=100').expect(200);
            expect(
              new Set(caseloads.body.items.map((i: { specialistId: string }) => i.specialistId)),
            ).toEqual(supervised[c]);
          }
          // Review queue: the signed notes of the specialists a supervisor supervises.
          if (role === Role.Supervisor) {
            const queue = await get(
              user,
              '/api/v1/session-notes?awaitingReview=true&limit=100',
            ).expect(200);
            expect(new Set(queue.body.items.map((n: { id: string }) => n.id))).toEqual(
              new Set(
                all
                  .filter((id) => expected.has(id) && supervised[c].has(authorOf(id)))
                  .map((id) => records.get(id)!.note),
              ),
            );
          }
          // Lists filtered on a specialist: 404 unless the caller may see them (a peer: covers
          // one of their clients), else exactly the rows in scope.
          for (const peer of peers) {
            const visible =
              role === Role.Admin ||
              peer.id === user.id ||
              (role === Role.Supervisor
                ? supervised[c].has(peer.id)
                : [...expected].some((id) => primaryOf(id) === peer.id));
            const clients = await get(user, `/api/v1/clients?limit=100&specialistId=${peer.id}`);
            expect([peer.id, clients.status]).toEqual([peer.id, visible ? 200 : 404]);
            if (visible)
              expect(new Set(clients.body.items.map((x: { id: string }) => x.id))).toEqual(
                new Set(all.filter((id) => expected.has(id) && primaryOf(id) === peer.id)),
              );
            if (role === Role.Admin) continue; // admins read no notes
            const notes = await get(user, `/api/v1/session-notes?limit=100&authorId=${peer.id}`);
            expect([peer.id, notes.status]).toEqual([peer.id, visible ? 200 : 404]);
            if (visible)
              expect(new Set(notes.body.items.map((x: { id: string }) => x.id))).toEqual(
                new Set(
                  all
                    .filter((id) => expected.has(id) && authorOf(id) === peer.id)
                    .map((id) => records.get(id)!.note),
                ),
              );
          }
        }

        // Alert recipients: the active supervisors of the specialist's teams (scans, crisis
        // flags, escalations), or the organization's supervisors for what has no specialist.
        const certs = await Promise.all(
          peers.map((peer) =>
            createCertification(ds, {
              organizationId: orgId,
              userId: peer.id,
              expiresOn: new Date(Date.now() + 10 * 24 * HOUR).toISOString().slice(0, 10),
            }),
          ),
        );
        await scans.certificationExpiry();
        for (const [p, peer] of peers.entries())
          expect([peer.id, await recipientsOf('certification.expiring', certs[p])]).toEqual([
            peer.id,
            new Set([peer.id, ...supervisorsOf(p)]),
          ]);
        await ds.query(
          `UPDATE client SET created_at = now() - interval '20 days' WHERE organization_id = $1`,
          [orgId],
        );
        await scans.noContact();
        for (const [i, clientId] of all.entries()) {
          const primary = primaryOf(clientId);
          const want =
            w.clients[i].status !== 'active'
              ? new Set()
              : primary
                ? new Set([primary])
                : everySupervisor;
          expect([clientId, await recipientsOf('client.no-contact', clientId)]).toEqual([
            clientId,
            want,
          ]);
        }
        for (const clientId of all) {
          const p = peerOf(clientId);
          // Written by another peer when there is one (a covering colleague): both teams hear.
          const a = ((p ?? 0) + 1) % peers.length;
          const noteId = await createNote(ds, {
            organizationId: orgId,
            clientId,
            authorId: peers[a].id,
          });
          await ds.query(
            `UPDATE session_note SET risk_flags = '{suicidal_ideation}' WHERE id = $1`,
            [noteId],
          );
          await alerts.crisisFlag({ organizationId: orgId, noteId, clientId });
          const teams = new Set([...supervisorsOf(a), ...(p === null ? [] : supervisorsOf(p))]);
          expect([clientId, await recipientsOf('note.crisis-flag', noteId)]).toEqual([
            clientId,
            teams,
          ]);
          const followUpId = records.get(clientId)!.followUp;
          const jobId = `scope-property-${followUpId}`;
          await ds.query(
            `INSERT INTO follow_up_job (job_id, organization_id, follow_up_id, job_name, payload, run_at)
             VALUES ($1, $2, $3, 'follow-up.escalation', '{}', now())`,
            [jobId, orgId, followUpId],
          );
          await followUpJobs.escalate(jobId, {
            organizationId: orgId,
            followUpId,
            reason: 'unreachable',
          });
          const ownerTeams = p === null ? new Set<string>() : supervisorsOf(p);
          expect([clientId, await recipientsOf('follow-up.unreachable', followUpId)]).toEqual([
            clientId,
            ownerTeams.size > 0 ? ownerTeams : everySupervisor,
          ]);
        }
      }),
      { numRuns: 8 },
    );
  }, 240_000);
});
