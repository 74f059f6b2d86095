import { randomUUID } from 'node:crypto';

import fc from 'fast-check';
import request from 'supertest';

import { Role } from '../../src/auth/permissions';
import { createClient, createCoverage } from '../factories/client.factory';
import {
  createOrganization,
  createTeam,
  createTestOrg,
  createUser,
  TestOrg,
  TestUser,
} from '../factories/people.factory';
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

describe('client scope (property, e2e)', () => {
  let t: TestApp;
  let stranger: TestOrg;
  let strangerClient: string;
  const http = () => request(t.app.getHttpServer());
  const bearer = { type: 'bearer' as const };

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
  async function build(
    w: World,
  ): Promise<{ callers: { user: TestUser; expected: Set<string> }[]; all: string[] }> {
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
    const callers = [
      { user: admin, expected: new Set(clients) },
      ...peers.map((user, p) => ({
        user,
        expected: new Set([...byPeer(p), ...(covered.get(p) ?? [])]),
      })),
      ...sups.map((user, s) => {
        const supervised = new Set(
          w.peers.flatMap((ts, p) => (ts.some((x) => w.supervisors[s].includes(x)) ? [p] : [])),
        );
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
    return { callers, all: clients };
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
});
