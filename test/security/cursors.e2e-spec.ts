import { randomBytes, randomUUID } from 'node:crypto';

import request from 'supertest';

import { PageQuery } from '../../src/common/dto/page.query';
import { CursorKeyKind, encodeCursor } from '../../src/common/dto/pagination';
import { createClient, createCoverage, createFollowUp } from '../factories/client.factory';
import { createTestOrg, TestOrg, TestUser } from '../factories/people.factory';
import { createPlan } from '../factories/recovery-plan.factory';
import { createNote } from '../factories/session-note.factory';
import { controllerHandlers } from '../helpers/controller-handlers';
import { INVALID_CURSOR } from '../helpers/problem';
import { createTestApp, TestApp } from '../setup/create-test-app';

/**
 * Finding 6: cursors were trusted. A garbled one reached a Postgres cast (500), and its row was
 * looked up without scope. Every list that takes `cursor` must answer any cursor it did not issue
 * to this caller 400 INVALID_CURSOR, before any SQL sees it.
 */
describe('list cursors (security e2e)', () => {
  let t: TestApp;
  let org: TestOrg;
  let other: TestOrg;
  let clientId: string;
  let planId: string;
  let foreignClient: string;
  let webhookId: string;
  const http = () => request(t.app.getHttpServer());

  interface ListEndpoint {
    path: () => string;
    list: () => string;
    user: () => TestUser;
    /** Another caller who may read the same list. */
    peer: () => TestUser;
    key?: CursorKeyKind;
    /** A valid sort key of this list, when it is neither an instant nor the caseloads' names. */
    validKey?: () => string;
  }

  const endpoints: Record<string, ListEndpoint> = {
    'GET /api/v1/clients': {
      path: () => '/api/v1/clients',
      list: () => 'clients',
      user: () => org.peerA1,
      peer: () => org.supervisorA,
    },
    'GET /api/v1/clients/:id/timeline': {
      path: () => `/api/v1/clients/${clientId}/timeline`,
      list: () => `timeline:${clientId}`,
      user: () => org.peerA1,
      peer: () => org.supervisorA,
    },
    'GET /api/v1/follow-ups': {
      path: () => '/api/v1/follow-ups',
      list: () => 'follow-ups',
      user: () => org.peerA1,
      peer: () => org.supervisorA,
    },
    'GET /api/v1/clients/:id/session-notes': {
      path: () => `/api/v1/clients/${clientId}/session-notes`,
      list: () => `session-notes:${clientId}`,
      user: () => org.peerA1,
      peer: () => org.supervisorA,
    },
    'GET /api/v1/group-sessions': {
      path: () => '/api/v1/group-sessions',
      list: () => 'group-sessions',
      user: () => org.peerA1,
      peer: () => org.supervisorA,
    },
    'GET /api/v1/session-notes': {
      path: () => '/api/v1/session-notes',
      list: () => 'session-notes',
      user: () => org.peerA1,
      peer: () => org.supervisorA,
    },
    'GET /api/v1/clients/:id/assessments': {
      path: () => `/api/v1/clients/${clientId}/assessments`,
      list: () => `assessments:${clientId}`,
      user: () => org.peerA1,
      peer: () => org.supervisorA,
    },
    'GET /api/v1/clients/:id/assignments': {
      path: () => `/api/v1/clients/${clientId}/assignments`,
      list: () => `assignments:${clientId}`,
      user: () => org.supervisorA,
      peer: () => org.peerA1,
    },
    'GET /api/v1/clients/:id/coverage': {
      path: () => `/api/v1/clients/${clientId}/coverage`,
      list: () => `coverage:${clientId}`,
      user: () => org.supervisorA,
      peer: () => org.peerA1,
    },
    'GET /api/v1/clients/:id/consents': {
      path: () => `/api/v1/clients/${clientId}/consents`,
      list: () => `consents:${clientId}`,
      user: () => org.peerA1,
      peer: () => org.supervisorA,
    },
    'GET /api/v1/clients/:id/referrals-out': {
      path: () => `/api/v1/clients/${clientId}/referrals-out`,
      list: () => `referrals-out:${clientId}`,
      user: () => org.peerA1,
      peer: () => org.supervisorA,
    },
    'GET /api/v1/resources': {
      path: () => '/api/v1/resources',
      list: () => 'resources',
      user: () => org.peerA1,
      peer: () => org.supervisorA,
      key: 'text',
    },
    'GET /api/v1/clients/:id/group-participation': {
      path: () => `/api/v1/clients/${clientId}/group-participation`,
      list: () => `group-participation:${clientId}`,
      user: () => org.peerA1,
      peer: () => org.supervisorA,
    },
    'GET /api/v1/clients/:id/recovery-plans': {
      path: () => `/api/v1/clients/${clientId}/recovery-plans`,
      list: () => `recovery-plans:${clientId}`,
      user: () => org.peerA1,
      peer: () => org.supervisorA,
    },
    'GET /api/v1/recovery-plans/:id/goals': {
      path: () => `/api/v1/recovery-plans/${planId}/goals`,
      list: () => `goals:${planId}`,
      user: () => org.peerA1,
      peer: () => org.supervisorA,
    },
    'GET /api/v1/audit-events': {
      path: () => '/api/v1/audit-events',
      list: () => 'audit-events',
      user: () => org.admin,
      peer: () => org.supervisorA,
    },
    'GET /api/v1/notifications': {
      path: () => '/api/v1/notifications',
      list: () => 'notifications',
      user: () => org.peerA1,
      peer: () => org.peerA2,
    },
    'GET /api/v1/clients/:id/relapse-prevention-plan/versions': {
      path: () => `/api/v1/clients/${clientId}/relapse-prevention-plan/versions`,
      list: () => `relapse-prevention-plan-versions:${clientId}`,
      user: () => org.peerA1,
      peer: () => org.supervisorA,
      key: 'text',
      validKey: () => '2', // the version number the page goes on below
    },
    'GET /api/v1/caseloads': {
      path: () => '/api/v1/caseloads',
      list: () => 'caseloads',
      user: () => org.supervisorA,
      peer: () => org.admin,
      key: 'text',
    },
    'GET /api/v1/teams': {
      path: () => '/api/v1/teams',
      list: () => 'teams',
      user: () => org.peerA1,
      peer: () => org.supervisorA,
      key: 'text',
    },
    'GET /api/v1/users': {
      path: () => '/api/v1/users',
      list: () => 'users',
      user: () => org.admin,
      peer: () => other.admin,
    },
    'GET /api/v1/api-clients': {
      path: () => '/api/v1/api-clients',
      list: () => 'api-clients',
      user: () => org.admin,
      peer: () => other.admin,
    },
    'GET /api/v1/clients/:id/disclosures': {
      path: () => `/api/v1/clients/${clientId}/disclosures`,
      list: () => `disclosures:${clientId}`,
      user: () => org.peerA1,
      peer: () => org.supervisorA,
    },
    'GET /api/v1/webhooks': {
      path: () => '/api/v1/webhooks',
      list: () => 'webhooks',
      user: () => org.admin,
      peer: () => other.admin,
    },
    'GET /api/v1/webhooks/:id/deliveries': {
      path: () => `/api/v1/webhooks/${webhookId}/deliveries`,
      list: () => `webhook-deliveries:${webhookId}`,
      user: () => org.admin,
      peer: () => other.admin,
    },
  };

  /** An inactive webhook of the organization (nothing queues a delivery to it). */
  const insertWebhook = async (organizationId: string): Promise<string> => {
    const [row] = await t.dataSource.query(
      `INSERT INTO webhook (organization_id, url, events, secret_sealed, active)
       VALUES ($1, 'https://receiver.example/hooks', '{client.discharged}', '\\x00', false) RETURNING id`,
      [organizationId],
    );
    return row.id;
  };

  beforeAll(async () => {
    t = await createTestApp();
    org = await createTestOrg(t.app);
    other = await createTestOrg(t.app);
    clientId = await createClient(t.dataSource, {
      organizationId: org.id,
      specialistId: org.peerA1.id,
    });
    planId = (await createPlan(t.dataSource, { id: clientId, organizationId: org.id })).id;
    await createNote(t.dataSource, {
      organizationId: org.id,
      clientId,
      authorId: org.peerA1.id,
      startedAt: new Date(Date.now() - 86_400_000),
    });
    await createFollowUp(t.dataSource, {
      organizationId: org.id,
      clientId,
      ownerId: org.peerA1.id,
      dueAt: new Date(Date.now() + 86_400_000),
    });
    // A client the caller may not see: a forged cursor naming it must not page around it.
    foreignClient = await createClient(t.dataSource, {
      organizationId: other.id,
      specialistId: other.peerA1.id,
    });
    webhookId = await insertWebhook(org.id);
  });
  afterAll(() => t.close());

  const instantKey = () => new Date().toISOString();
  const mint = (e: ListEndpoint, principal: TestUser, id = randomUUID(), list = e.list()) =>
    encodeCursor(
      {
        key: e.validKey?.() ?? (e.key === 'text' ? JSON.stringify(['Zed', 'Zed']) : instantKey()),
        id,
      },
      { principal, list, key: e.key },
    );
  const unsigned = (key: string, id: string) =>
    Buffer.from(JSON.stringify([key, id])).toString('base64url');

  /** Every garbled cursor a client could send: none may reach SQL. */
  const garbled = (e: ListEndpoint): Record<string, string> => {
    const valid = mint(e, e.user());
    const [payload, mac] = valid.split('.');
    return {
      'random text': 'not-a-cursor',
      'url junk': '%%%',
      'base64 of random bytes': randomBytes(48).toString('base64url'),
      'base64 of junk JSON': unsigned('x', 'y'),
      'base64 of a JSON object': Buffer.from('{"id":1}').toString('base64url'),
      'an unsigned cursor naming a row outside scope': unsigned(instantKey(), foreignClient),
      'a valid cursor with its id swapped': `${unsigned(instantKey(), foreignClient)}.${mac}`,
      'a valid cursor with its signature cut': `${payload}.${mac.slice(0, -2)}`,
      'a valid cursor with an extra part': `${valid}.${mac}`,
      'another caller’s valid cursor of this list': mint(e, e.peer()),
      'a valid cursor of another list': mint(e, e.user(), randomUUID(), 'elsewhere'),
      'an over-long cursor': `${valid}${'A'.repeat(1100)}`,
    };
  };

  describe.each(Object.entries(endpoints))('%s', (_route, e) => {
    it('should answer 400 INVALID_CURSOR, never 500, for every cursor it did not issue to the caller', async () => {
      const results: Record<string, unknown> = {};
      for (const [name, cursor] of Object.entries(garbled(e))) {
        const res = await http()
          .get(e.path())
          .query({ cursor })
          .auth(e.user().token, { type: 'bearer' });
        results[name] = { status: res.status, body: res.body };
      }
      const expected = Object.fromEntries(
        Object.keys(results).map((name) => [name, { status: 400, body: INVALID_CURSOR }]),
      );
      expect(results).toEqual(expected);
    });

    it('should answer 400 INVALID_CURSOR for a repeated cursor parameter', async () => {
      const res = await http()
        .get(`${e.path()}?cursor=a&cursor=b`)
        .auth(e.user().token, { type: 'bearer' })
        .expect(400);
      expect(res.body).toEqual(INVALID_CURSOR);
    });

    it('should accept a cursor issued to the caller for this list', async () => {
      const res = await http()
        .get(e.path())
        .query({ cursor: mint(e, e.user()) })
        .auth(e.user().token, { type: 'bearer' })
        .expect(200);
      expect(res.body).toEqual({ items: expect.any(Array), nextCursor: null });
    });
  });

  // These lists select from a table without an entity: their second page used to answer 500.
  it('should page assignments, coverage, consents, disclosures, webhooks and deliveries through the cursors the server issues', async () => {
    const c = await createClient(t.dataSource, {
      organizationId: org.id,
      specialistId: org.peerA1.id,
    });
    await t.dataSource.query(
      `INSERT INTO client_assignment (client_id, specialist_id, started_at, ended_at)
       VALUES ($1, $2, now() - interval '2 days', now() - interval '1 day')`,
      [c, org.peerA2.id],
    );
    for (const days of [1, 2]) {
      await createCoverage(t.dataSource, {
        clientId: c,
        specialistId: org.peerA2.id,
        startsAt: new Date(Date.now() - days * 86_400_000),
        endsAt: new Date(Date.now() + 86_400_000),
      });
    }
    const [recipient] = await t.dataSource.query(
      `INSERT INTO api_client (organization_id, name, client_id, secret_hash, scopes)
       VALUES ($1, 'EHR', $2, '\\x00', '{}') RETURNING id`,
      [org.id, `ehr-${randomUUID()}`],
    );
    for (let i = 0; i < 2; i++) {
      await t.dataSource.query(
        `INSERT INTO consent (organization_id, client_id, recipient_id, purposes, categories, effective_at,
           expires_at, signed_at, signature_method)
         VALUES ($1, $2, $3, '{treatment}', '{demographics}', now(), now() + interval '1 year', now(), 'written')`,
        [org.id, c, recipient.id],
      );
    }
    const [consent] = await t.dataSource.query(
      `SELECT id FROM consent WHERE client_id = $1 LIMIT 1`,
      [c],
    );
    for (const days of [1, 2]) {
      await t.dataSource.query(
        `INSERT INTO disclosure (organization_id, recipient_id, client_id, consent_id, purpose, resources, disclosed_at)
         VALUES ($1, $2, $3, $4, 'treatment', '[{"type":"Patient"}]', now() - make_interval(days => $5))`,
        [org.id, recipient.id, c, consent.id, days],
      );
    }
    const hook = await insertWebhook(org.id);
    await insertWebhook(org.id);
    for (const days of [1, 2]) {
      await t.dataSource.query(
        `INSERT INTO webhook_delivery (organization_id, webhook_id, event_type, payload, status, created_at)
         VALUES ($1, $2, 'client.discharged', '{}', 'failed', now() - make_interval(days => $3))`,
        [org.id, hook, days],
      );
    }
    for (const [url, user, count] of [
      ...(['assignments', 'coverage'] as const).map(
        (l) => [`/api/v1/clients/${c}/${l}`, org.supervisorA, 2] as const,
      ),
      ...(['consents', 'disclosures'] as const).map(
        (l) => [`/api/v1/clients/${c}/${l}`, org.peerA1, 2] as const,
      ),
      [`/api/v1/webhooks/${hook}/deliveries`, org.admin, 2] as const,
      // The organization's webhooks: the one of beforeAll and these two.
      ['/api/v1/webhooks', org.admin, 3] as const,
    ]) {
      // limit=1 all the way: every page but the last issues a cursor, the pages never overlap.
      const ids: string[] = [];
      let cursor: string | null = null;
      do {
        const page: request.Response = await http()
          .get(url)
          .query(cursor ? { limit: 1, cursor } : { limit: 1 })
          .auth(user.token, { type: 'bearer' })
          .expect(200);
        expect(page.body.items).toHaveLength(1);
        ids.push(page.body.items[0].id);
        cursor = page.body.nextCursor;
        if (ids.length < count) expect(cursor).toEqual(expect.any(String));
      } while (cursor && ids.length <= count);
      expect({ url, pages: ids.length, distinct: new Set(ids).size }).toEqual({
        url,
        pages: count,
        distinct: count,
      });
    }
  });

  it('should cover every list endpoint that takes a cursor', () => {
    const routes = controllerHandlers(t.app)
      .filter(({ paramTypes }) =>
        paramTypes.some(
          (p) => typeof p === 'function' && (p === PageQuery || p.prototype instanceof PageQuery),
        ),
      )
      .map(({ route }) => route.replace(/\/$/, ''));
    expect(routes.sort()).toEqual(Object.keys(endpoints).sort());
  });
});
