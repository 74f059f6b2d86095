import { randomUUID } from 'node:crypto';

import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';

import { Role } from '../../src/auth/permissions';
import { createClient, createFollowUp } from '../factories/client.factory';
import { dischargeBody } from '../factories/discharge.factory';
import { createTeam, createUser } from '../factories/people.factory';
import { createGoal, createPlan } from '../factories/recovery-plan.factory';
import { createNote } from '../factories/session-note.factory';
import { createCaseloadPeer, Home, insert, Principal } from '../helpers/authorization-fixtures';
import { dischargeNotification } from '../helpers/fhir-notification';
import { adt } from '../helpers/hl7';

/**
 * How the authorization matrix calls each route: a valid body and the current ETag, so that the
 * answer measures authorization, not validation. `record` routes name a record of the home the
 * relation picks; `fresh` builds an untouched equivalent for each cell that may change it.
 */
export interface Ctx {
  app: NestFastifyApplication;
  ds: DataSource;
  principal: Principal;
}

export interface Call {
  path: string;
  body?: object | string;
  form?: boolean;
  ifMatch?: string;
  headers?: Record<string, string>;
}

export interface RouteRequest {
  /** The route names a record (path, filter or body): one cell per relation. */
  record?: boolean;
  /** The caller's own record is personal (notifications), not their team's. */
  personal?: boolean;
  call: (h: Home, ctx: Ctx) => Call | Promise<Call>;
  fresh?: (h: Home, ctx: Ctx) => Promise<Partial<Home>>;
  /**
   * Routes with a parent and a child id: the child of another team's record under the caller's
   * own parent (the `crossed` relation), which must be as absent as a missing one.
   */
  cross?: (other: Home) => Partial<Home>;
}

const HOUR = 3_600_000;
const ago = (hours: number) => new Date(Date.now() - hours * HOUR).toISOString();
const v1 = '"1"';
const unique = () => randomUUID().slice(0, 8);
const get = (path: string): RouteRequest => ({ call: () => ({ path }) });
const recordGet = (path: (h: Home) => string): RouteRequest => ({
  record: true,
  call: (h) => ({ path: path(h) }),
});

// Fresh records, each like the home's but untouched by any other cell (a fresh client is
// covered by the home's covering colleague, as the home's client is).
const freshClient = async (h: Home, { ds }: Ctx) => {
  const clientId = await createClient(ds, { organizationId: h.orgId, specialistId: h.peerId });
  await insert.coverage(ds, clientId, h.coverPeerId);
  return { clientId };
};
const freshDraft = async (h: Home, { ds }: Ctx) => ({
  draftNoteId: await createNote(ds, {
    organizationId: h.orgId,
    clientId: h.clientId,
    authorId: h.peerId,
  }),
});
const freshSigned = async (h: Home, { ds }: Ctx) => ({
  signedNoteId: await createNote(ds, {
    organizationId: h.orgId,
    clientId: h.clientId,
    authorId: h.peerId,
    status: 'signed',
  }),
});
const freshFollowUp = async (h: Home, { ds }: Ctx) => ({
  followUpId: await createFollowUp(ds, {
    organizationId: h.orgId,
    clientId: h.clientId,
    ownerId: h.peerId,
    dueAt: new Date(Date.now() + 24 * HOUR),
  }),
});
const freshPeer = async (h: Home, { app }: Ctx) => ({
  peerId: (await createCaseloadPeer(app, h.orgId, h.teamId)).id,
});

const freshGroup = async (h: Home, { ds }: Ctx) => ({
  groupSessionId: await insert.groupSession(ds, h),
});

const followUpAction = (action: string, body: object): RouteRequest => ({
  record: true,
  call: (h) => ({ path: `/api/v1/follow-ups/${h.followUpId}/${action}`, body }),
  fresh: freshFollowUp,
});

/** The person an inbound message names: a new identifier each time (a new client). */
const inboundPerson = () => ({
  identifiers: [{ system: 'urn:oid:2.16.840.1.113883.19.5', value: `MRN-${unique()}` }],
  firstName: 'Jordan',
  lastName: 'Inbound',
  dateOfBirth: '1988-03-04',
});

const freshWebhook = async (h: Home, { ds }: Ctx) => ({
  webhookId: await insert.webhook(ds, h.orgId),
});

const orgVersion = async (ds: DataSource, orgId: string): Promise<string> => {
  const [row] = await ds.query(`SELECT version FROM organization WHERE id = $1`, [orgId]);
  return `"${row?.version ?? 1}"`;
};

export const REQUESTS: Record<string, RouteRequest> = {
  'GET /health/live': get('/health/live'),
  'GET /health/ready': get('/health/ready'),
  'GET /metrics': get('/metrics'),
  'GET /openapi.json': get('/openapi.json'),
  'GET /openapi.yaml': get('/openapi.yaml'),
  'GET /docs': get('/docs'),
  'GET /docs/': get('/docs/'),
  'GET /docs/index.html': get('/docs/index.html'),
  'GET /docs/swagger-ui-init.js': get('/docs/swagger-ui-init.js'),
  'GET /docs/docs/swagger-ui-init.js': get('/docs/docs/swagger-ui-init.js'),
  'GET /docs/LICENSE': get('/docs/LICENSE'),
  'GET /docs/*': get('/docs/swagger-ui.css'),

  'POST /api/v1/auth/login': {
    call: () => ({
      path: '/api/v1/auth/login',
      body: { email: `nobody-${unique()}@example.test`, password: 'Not-The-Password-2026!' },
      // Each attempt from its own address: the per-IP login limit stays out of the measurement.
      headers: { 'X-Forwarded-For': `198.51.100.${Math.floor(Math.random() * 250) + 1}` },
    }),
  },
  'POST /api/v1/auth/refresh': {
    call: () => ({
      path: '/api/v1/auth/refresh',
      body: { refreshToken: `not-a-token-${unique()}` },
    }),
  },
  'POST /api/v1/auth/logout': {
    call: () => ({
      path: '/api/v1/auth/logout',
      body: { refreshToken: `not-a-token-${unique()}` },
    }),
  },
  'POST /oauth/token': {
    call: () => ({
      path: '/oauth/token',
      form: true,
      body: {
        grant_type: 'client_credentials',
        client_id: `rb_nobody_${unique()}`,
        client_secret: 'nope',
      },
    }),
  },
  'GET /.well-known/smart-configuration': get('/.well-known/smart-configuration'),
  'GET /api/v1/me': get('/api/v1/me'),

  'POST /api/v1/users': {
    call: () => ({
      path: '/api/v1/users',
      body: {
        email: `matrix-${unique()}@example.test`,
        password: 'Matrix-Password-2026!',
        firstName: 'Matrix',
        lastName: 'User',
        role: Role.PeerSpecialist,
        teamIds: [],
      },
    }),
  },
  'GET /api/v1/users': get('/api/v1/users'),
  'GET /api/v1/users/:id': recordGet((h) => `/api/v1/users/${h.peerId}`),
  'PATCH /api/v1/users/:id': {
    record: true,
    call: (h) => ({
      path: `/api/v1/users/${h.peerId}`,
      ifMatch: v1,
      body: { firstName: 'Renamed' },
    }),
    fresh: async (h, { app }) => ({
      peerId: (await createUser(app, h.orgId, Role.PeerSpecialist, [h.teamId])).id,
    }),
  },
  'GET /api/v1/teams': get('/api/v1/teams'),
  'POST /api/v1/teams': {
    call: () => ({ path: '/api/v1/teams', body: { name: `Team ${unique()}` } }),
  },
  'PATCH /api/v1/teams/:id': {
    record: true,
    call: (h) => ({
      path: `/api/v1/teams/${h.teamId}`,
      ifMatch: v1,
      body: { name: `Team ${unique()}` },
    }),
    fresh: async (h, { ds }) => ({ teamId: await createTeam(ds, h.orgId) }),
  },
  'POST /api/v1/api-clients': {
    call: () => ({
      path: '/api/v1/api-clients',
      body: { name: `EHR ${unique()}`, scopes: ['system/Patient.read'] },
    }),
  },
  'GET /api/v1/api-clients': get('/api/v1/api-clients'),
  'PATCH /api/v1/api-clients/:id': {
    record: true,
    call: (h) => ({
      path: `/api/v1/api-clients/${h.apiClientId}`,
      ifMatch: v1,
      body: { scopes: ['system/Patient.read', 'system/Goal.read'] },
    }),
    fresh: async (h, { ds }) => ({ apiClientId: await insert.apiClient(ds, h.orgId) }),
  },
  'GET /api/v1/settings/organization': get('/api/v1/settings/organization'),
  'PATCH /api/v1/settings/organization': {
    call: async (h, { ds }) => ({
      path: '/api/v1/settings/organization',
      ifMatch: await orgVersion(ds, h.orgId),
      body: { caseloadCap: 25 },
    }),
  },
  'GET /api/v1/settings/follow-up-cadences/:levelOfCare': get(
    '/api/v1/settings/follow-up-cadences/outpatient',
  ),
  'PUT /api/v1/settings/follow-up-cadences/:levelOfCare': {
    call: () => ({
      path: '/api/v1/settings/follow-up-cadences/outpatient',
      body: {
        steps: [
          {
            label: 'day-7',
            kind: 'contact',
            dueHours: 168,
            windowStartHours: 24,
            windowEndHours: 240,
          },
        ],
      },
    }),
  },

  'GET /api/v1/notifications': get('/api/v1/notifications'),
  'POST /api/v1/notifications/:id/read': {
    record: true,
    personal: true,
    call: (h) => ({ path: `/api/v1/notifications/${h.notificationId}/read` }),
    fresh: async (h, { ds, principal }) => ({
      notificationId: await insert.notification(ds, h.orgId, principal.userId!),
    }),
  },

  'POST /api/v1/clients': {
    call: () => ({
      path: '/api/v1/clients',
      body: { firstName: 'Matrix', lastName: `Client-${unique()}`, dateOfBirth: '1991-02-03' },
    }),
  },
  'GET /api/v1/clients': recordGet((h) => `/api/v1/clients?specialistId=${h.peerId}`),
  'GET /api/v1/clients/:id': recordGet((h) => `/api/v1/clients/${h.clientId}`),
  'PATCH /api/v1/clients/:id': {
    record: true,
    call: (h) => ({
      path: `/api/v1/clients/${h.clientId}`,
      ifMatch: v1,
      body: { preferredName: 'Sam' },
    }),
    fresh: freshClient,
  },
  'POST /api/v1/clients/:id/assignments': {
    record: true,
    call: (h) => ({
      path: `/api/v1/clients/${h.clientId}/assignments`,
      body: { specialistId: h.peerId },
    }),
    fresh: freshClient,
  },
  'GET /api/v1/clients/:id/assignments': recordGet(
    (h) => `/api/v1/clients/${h.clientId}/assignments`,
  ),
  'POST /api/v1/clients/:id/coverage': {
    record: true,
    call: (h) => ({
      path: `/api/v1/clients/${h.clientId}/coverage`,
      body: { specialistId: h.coverPeerId, endsAt: new Date(Date.now() + 48 * HOUR).toISOString() },
    }),
    fresh: freshClient,
  },
  'GET /api/v1/clients/:id/coverage': recordGet((h) => `/api/v1/clients/${h.clientId}/coverage`),
  'POST /api/v1/clients/:id/coverage/:coverageId/end': {
    record: true,
    call: (h) => ({ path: `/api/v1/clients/${h.clientId}/coverage/${h.coverageId}/end` }),
    cross: (other) => ({ coverageId: other.coverageId }),
    fresh: async (h, ctx) => {
      const { clientId } = await freshClient(h, ctx);
      return { clientId, coverageId: await insert.coverage(ctx.ds, clientId, h.coverPeerId) };
    },
  },
  'GET /api/v1/caseloads': get('/api/v1/caseloads'),
  'GET /api/v1/caseloads/:specialistId': recordGet((h) => `/api/v1/caseloads/${h.peerId}`),

  'GET /api/v1/specialists/:id': recordGet((h) => `/api/v1/specialists/${h.peerId}`),
  'PATCH /api/v1/specialists/:id': {
    record: true,
    call: (h) => ({
      path: `/api/v1/specialists/${h.peerId}`,
      ifMatch: v1,
      body: { caseloadCap: 1000 },
    }),
    fresh: freshPeer,
  },
  'POST /api/v1/specialists/:id/certifications': {
    record: true,
    call: (h) => ({
      path: `/api/v1/specialists/${h.peerId}/certifications`,
      body: {
        credential: 'CPRS',
        number: `N-${unique()}`,
        issuingState: 'PA',
        issuedOn: '2024-01-01',
        expiresOn: '2028-01-01',
      },
    }),
  },
  'PATCH /api/v1/specialists/:id/certifications/:certificationId': {
    record: true,
    cross: (other) => ({ certificationId: other.certificationId }),
    call: (h) => ({
      path: `/api/v1/specialists/${h.peerId}/certifications/${h.certificationId}`,
      ifMatch: v1,
      body: { number: `N-${unique()}` },
    }),
    fresh: async (h, ctx) => {
      const peer = await createCaseloadPeer(ctx.app, h.orgId, h.teamId);
      return { peerId: peer.id, certificationId: peer.certificationId };
    },
  },
  'POST /api/v1/specialists/:id/ce-hours': {
    record: true,
    call: (h) => ({
      path: `/api/v1/specialists/${h.peerId}/ce-hours`,
      body: {
        hours: 1,
        category: 'general',
        completedOn: '2026-01-05',
        title: 'Motivational interviewing',
      },
    }),
  },
  'POST /api/v1/specialists/:id/supervision-hours': {
    record: true,
    call: (h) => ({
      path: `/api/v1/specialists/${h.peerId}/supervision-hours`,
      body: { hours: 1, occurredOn: '2026-01-05' },
    }),
  },

  'POST /api/v1/clients/:id/recovery-plans': {
    record: true,
    call: (h) => ({
      path: `/api/v1/clients/${h.clientId}/recovery-plans`,
      body: { title: 'Matrix plan' },
    }),
  },
  'GET /api/v1/clients/:id/recovery-plans': recordGet(
    (h) => `/api/v1/clients/${h.clientId}/recovery-plans`,
  ),
  'GET /api/v1/recovery-plans/:id': recordGet((h) => `/api/v1/recovery-plans/${h.planId}`),
  'PATCH /api/v1/recovery-plans/:id': {
    record: true,
    call: (h) => ({
      path: `/api/v1/recovery-plans/${h.planId}`,
      ifMatch: v1,
      body: { title: 'Renamed plan' },
    }),
    fresh: async (h, { ds }) => ({
      planId: (await createPlan(ds, { id: h.clientId, organizationId: h.orgId })).id,
    }),
  },
  'POST /api/v1/recovery-plans/:id/goals': {
    record: true,
    call: (h) => ({
      path: `/api/v1/recovery-plans/${h.planId}/goals`,
      body: { description: 'Walk every morning', domain: 'health' },
    }),
  },
  'GET /api/v1/recovery-plans/:id/goals': recordGet(
    (h) => `/api/v1/recovery-plans/${h.planId}/goals`,
  ),
  'GET /api/v1/goals/:id': recordGet((h) => `/api/v1/goals/${h.goalId}`),
  'PATCH /api/v1/goals/:id': {
    record: true,
    call: (h) => ({
      path: `/api/v1/goals/${h.goalId}`,
      ifMatch: v1,
      body: { description: 'Walk every day' },
    }),
    fresh: async (h, { ds }) => ({ goalId: (await createGoal(ds, { id: h.planId })).id }),
  },
  'POST /api/v1/clients/:id/assessments': {
    record: true,
    call: (h) => ({
      path: `/api/v1/clients/${h.clientId}/assessments`,
      body: { instrument: 'BARC-10', answers: [5, 5, 5, 5, 5, 5, 5, 5, 5, 5] },
    }),
  },
  'GET /api/v1/clients/:id/assessments': recordGet(
    (h) => `/api/v1/clients/${h.clientId}/assessments`,
  ),
  'GET /api/v1/clients/:id/assessments/trend': recordGet(
    (h) => `/api/v1/clients/${h.clientId}/assessments/trend`,
  ),

  'GET /api/v1/clients/:id/relapse-prevention-plan': recordGet(
    (h) => `/api/v1/clients/${h.clientId}/relapse-prevention-plan`,
  ),
  // A fresh client has no plan: the first PUT (no If-Match) creates it.
  'PUT /api/v1/clients/:id/relapse-prevention-plan': {
    record: true,
    call: (h) => ({
      path: `/api/v1/clients/${h.clientId}/relapse-prevention-plan`,
      body: { triggers: ['Payday weekends'], reasonsForRecovery: ['My kids'] },
    }),
    fresh: freshClient,
  },
  'GET /api/v1/clients/:id/relapse-prevention-plan/versions': recordGet(
    (h) => `/api/v1/clients/${h.clientId}/relapse-prevention-plan/versions`,
  ),
  'GET /api/v1/clients/:id/relapse-prevention-plan/versions/:n': recordGet(
    (h) => `/api/v1/clients/${h.clientId}/relapse-prevention-plan/versions/1`,
  ),

  'POST /api/v1/clients/:id/session-notes': {
    record: true,
    call: (h) => ({
      path: `/api/v1/clients/${h.clientId}/session-notes`,
      body: {
        startedAt: ago(3),
        endedAt: ago(2.5),
        contactType: 'in_person',
        format: 'narrative',
        sections: { narrative: 'Met for coffee and talked about the week.' },
      },
    }),
  },
  'GET /api/v1/clients/:id/session-notes': recordGet(
    (h) => `/api/v1/clients/${h.clientId}/session-notes`,
  ),
  'GET /api/v1/clients/:id/timeline': recordGet((h) => `/api/v1/clients/${h.clientId}/timeline`),
  'GET /api/v1/session-notes': recordGet((h) => `/api/v1/session-notes?authorId=${h.peerId}`),
  'GET /api/v1/session-notes/:id': recordGet((h) => `/api/v1/session-notes/${h.signedNoteId}`),
  'PATCH /api/v1/session-notes/:id': {
    record: true,
    call: (h) => ({
      path: `/api/v1/session-notes/${h.draftNoteId}`,
      ifMatch: v1,
      body: { setting: 'Library' },
    }),
    fresh: freshDraft,
  },
  'POST /api/v1/session-notes/:id/sign': {
    record: true,
    call: (h) => ({ path: `/api/v1/session-notes/${h.draftNoteId}/sign` }),
    fresh: freshDraft,
  },
  'POST /api/v1/session-notes/:id/addenda': {
    record: true,
    call: (h) => ({
      path: `/api/v1/session-notes/${h.signedNoteId}/addenda`,
      body: { text: 'Correction: we met at the community center.' },
    }),
    fresh: freshSigned,
  },
  'POST /api/v1/session-notes/:id/review': {
    record: true,
    call: (h) => ({
      path: `/api/v1/session-notes/${h.signedNoteId}/review`,
      body: { decision: 'approved' },
    }),
    fresh: freshSigned,
  },

  'POST /api/v1/group-sessions': {
    record: true,
    call: (h) => ({
      path: '/api/v1/group-sessions',
      body: {
        topic: 'Matrix group',
        startedAt: ago(3),
        endedAt: ago(2),
        attendees: [{ clientId: h.clientId, participation: 'Listened and shared once.' }],
      },
    }),
  },
  'GET /api/v1/group-sessions': get('/api/v1/group-sessions'),
  'GET /api/v1/group-sessions/:id': recordGet((h) => `/api/v1/group-sessions/${h.groupSessionId}`),
  'PATCH /api/v1/group-sessions/:id': {
    record: true,
    call: (h) => ({
      path: `/api/v1/group-sessions/${h.groupSessionId}`,
      ifMatch: v1,
      body: { setting: 'Library' },
    }),
    fresh: freshGroup,
  },
  'POST /api/v1/group-sessions/:id/sign': {
    record: true,
    call: (h) => ({ path: `/api/v1/group-sessions/${h.groupSessionId}/sign` }),
    fresh: freshGroup,
  },
  'GET /api/v1/clients/:id/group-participation': recordGet(
    (h) => `/api/v1/clients/${h.clientId}/group-participation`,
  ),

  'POST /api/v1/clients/:id/discharges': {
    record: true,
    call: (h) => ({ path: `/api/v1/clients/${h.clientId}/discharges`, body: dischargeBody() }),
    fresh: freshClient,
  },
  'POST /api/v1/clients/:id/readmissions': {
    record: true,
    call: (h) => ({
      path: `/api/v1/clients/${h.clientId}/readmissions`,
      body: {
        facility: `Mercy Inpatient ${unique()}`,
        levelOfCare: 'inpatient',
        admittedAt: ago(1),
      },
    }),
    fresh: freshClient,
  },
  'GET /api/v1/follow-ups': recordGet((h) => `/api/v1/follow-ups?clientId=${h.clientId}`),
  'GET /api/v1/follow-ups/:id': recordGet((h) => `/api/v1/follow-ups/${h.followUpId}`),
  'POST /api/v1/follow-ups/:id/start': followUpAction('start', {}),
  'POST /api/v1/follow-ups/:id/complete': followUpAction('complete', { outcome: 'reached' }),
  'POST /api/v1/follow-ups/:id/cancel': followUpAction('cancel', {}),
  'POST /api/v1/follow-ups/:id/attempts': followUpAction('attempts', {
    method: 'phone',
    outcome: 'left_message',
  }),
  'GET /api/v1/reports/follow-up-rates': get(
    '/api/v1/reports/follow-up-rates?from=2026-01-01&to=2026-12-31',
  ),
  'GET /api/v1/reports/engagement': get('/api/v1/reports/engagement?from=2026-01-01&to=2026-12-31'),
  'GET /api/v1/reports/recovery-capital': get(
    '/api/v1/reports/recovery-capital?from=2026-01-01&to=2026-12-31',
  ),
  'GET /api/v1/reports/referrals': get('/api/v1/reports/referrals?from=2026-01-01&to=2026-12-31'),
  'GET /api/v1/reports/retention': get('/api/v1/reports/retention?from=2026-01-01&to=2026-12-31'),

  'POST /api/v1/clients/:id/consents': {
    record: true,
    call: (h) => ({
      path: `/api/v1/clients/${h.clientId}/consents`,
      body: {
        recipientId: h.apiClientId,
        purposes: ['treatment'],
        categories: ['demographics'],
        expiresAt: new Date(Date.now() + 300 * 24 * HOUR).toISOString(),
        signedAt: ago(1),
        signatureMethod: 'electronic',
      },
    }),
  },
  'GET /api/v1/clients/:id/consents': recordGet((h) => `/api/v1/clients/${h.clientId}/consents`),
  'GET /api/v1/clients/:id/disclosures': recordGet(
    (h) => `/api/v1/clients/${h.clientId}/disclosures`,
  ),
  'GET /fhir/metadata': get('/fhir/metadata'),
  'GET /fhir/:type': get('/fhir/Patient'),
  'GET /fhir/:type/:id': get(`/fhir/Patient/${randomUUID()}`),
  'POST /api/v1/clients/:id/consents/:consentId/revoke': {
    record: true,
    call: (h) => ({
      path: `/api/v1/clients/${h.clientId}/consents/${h.consentId}/revoke`,
      body: {},
    }),
    fresh: async (h, { ds }) => ({ consentId: await insert.consent(ds, h) }),
  },
  'POST /api/v1/consents/:id/revoke': {
    record: true,
    call: (h) => ({ path: `/api/v1/consents/${h.consentId}/revoke`, body: {} }),
    fresh: async (h, { ds }) => ({ consentId: await insert.consent(ds, h) }),
  },

  'POST /api/v1/resources': {
    call: () => ({
      path: '/api/v1/resources',
      body: { name: 'Matrix Food', categories: ['food'] },
    }),
  },
  'GET /api/v1/resources': get('/api/v1/resources'),
  'POST /api/v1/resources/import': {
    call: () => ({
      path: '/api/v1/resources/import',
      headers: { 'Content-Type': 'text/csv' },
      body: `name,categories\nMatrix Import ${unique()},food\n`,
    }),
  },
  'GET /api/v1/resources/:id': recordGet((h) => `/api/v1/resources/${h.resourceId}`),
  'PATCH /api/v1/resources/:id': {
    record: true,
    call: (h) => ({
      path: `/api/v1/resources/${h.resourceId}`,
      ifMatch: v1,
      body: { phone: '+1-555-0199' },
    }),
    fresh: async (h, { ds }) => ({ resourceId: await insert.resource(ds, h.orgId) }),
  },
  'POST /api/v1/clients/:id/referrals-out': {
    record: true,
    call: (h) => ({
      path: `/api/v1/clients/${h.clientId}/referrals-out`,
      body: { resourceId: h.resourceId, need: 'housing', reason: 'Matrix referral' },
    }),
  },
  'GET /api/v1/clients/:id/referrals-out': recordGet(
    (h) => `/api/v1/clients/${h.clientId}/referrals-out`,
  ),
  'GET /api/v1/referrals-out/:id': recordGet((h) => `/api/v1/referrals-out/${h.referralOutId}`),
  'PATCH /api/v1/referrals-out/:id': {
    record: true,
    call: (h) => ({
      path: `/api/v1/referrals-out/${h.referralOutId}`,
      ifMatch: v1,
      body: { status: 'accepted' },
    }),
    fresh: async (h, { ds }) => ({ referralOutId: await insert.referralOut(ds, h) }),
  },

  'POST /api/v1/integrations/discharges': {
    call: () => ({
      path: '/api/v1/integrations/discharges',
      body: { client: inboundPerson(), ...dischargeBody() },
    }),
  },
  'POST /api/v1/integrations/referrals': {
    call: () => ({
      path: '/api/v1/integrations/referrals',
      body: {
        client: inboundPerson(),
        facility: 'Riverside Emergency Department',
        referredAt: ago(1),
      },
    }),
  },
  'POST /fhir/$process-message': {
    call: () => ({
      path: '/fhir/$process-message',
      headers: { 'Content-Type': 'application/fhir+json' },
      body: dischargeNotification({ mrn: `MRN-${unique()}` }),
    }),
  },
  'POST /api/v1/integrations/hl7v2': {
    call: () => ({
      path: '/api/v1/integrations/hl7v2',
      headers: { 'Content-Type': 'x-application/hl7-v2+er7' },
      body: adt({
        controlId: `MSG-${randomUUID()}`,
        pid3: `MRN-${unique()}^^^RIVERSIDE&2.16.840.1.113883.19.5&ISO^MR`,
      }),
    }),
  },

  // Created inactive: no change of the matrix queues a delivery to it.
  'POST /api/v1/webhooks': {
    call: (h) => ({
      path: '/api/v1/webhooks',
      body: {
        url: 'https://receiver.example/hooks',
        events: ['client.discharged'],
        apiClientId: h.apiClientId,
        active: false,
      },
    }),
  },
  'GET /api/v1/webhooks': get('/api/v1/webhooks'),
  'GET /api/v1/webhooks/:id': recordGet((h) => `/api/v1/webhooks/${h.webhookId}`),
  'PATCH /api/v1/webhooks/:id': {
    record: true,
    call: (h) => ({
      path: `/api/v1/webhooks/${h.webhookId}`,
      ifMatch: v1,
      body: { events: ['client.discharged', 'follow-up.overdue'] },
    }),
    fresh: freshWebhook,
  },
  'GET /api/v1/webhooks/:id/deliveries': recordGet(
    (h) => `/api/v1/webhooks/${h.webhookId}/deliveries`,
  ),
  'POST /api/v1/webhooks/:id/deliveries/:deliveryId/redeliver': {
    record: true,
    call: (h) => ({
      path: `/api/v1/webhooks/${h.webhookId}/deliveries/${h.deliveryId}/redeliver`,
    }),
    cross: (other) => ({ deliveryId: other.deliveryId }),
    fresh: async (h, ctx) => {
      const { webhookId } = await freshWebhook(h, ctx);
      return { webhookId, deliveryId: await insert.webhookDelivery(ctx.ds, h.orgId, webhookId) };
    },
  },

  'GET /api/v1/audit-events': get('/api/v1/audit-events'),
  'GET /api/v1/audit-events/verify': get('/api/v1/audit-events/verify'),
};

/** A queue dashboard route with its placeholders filled in (a queue that exists, a job that does not). */
export function dashboardCall(url: string): Call {
  return {
    path: url
      .replace(':queueName', 'follow-ups')
      .replace(':queueStatus', 'failed')
      .replace(/:[A-Za-z]+/g, 'x')
      .replace('*', 'favicon.ico'),
    body: {},
  };
}
