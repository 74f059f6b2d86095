import { randomUUID } from 'node:crypto';

import { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { DataSource } from 'typeorm';

import { API_SCOPES, Role } from '../../src/auth/permissions';
import { createCertification, createClient, createFollowUp } from '../factories/client.factory';
import { createOrganization, createTeam, createUser, TestUser } from '../factories/people.factory';
import { createGoal, createPlan } from '../factories/recovery-plan.factory';
import { createNote } from '../factories/session-note.factory';

/**
 * One "home": a peer specialist's caseload with one record of every kind, so each route of the
 * authorization matrix finds a target of each relation (own, teammate, other team, other
 * organization). Every record is fictional and unique.
 */
export interface Home {
  key: string;
  orgId: string;
  teamId: string;
  /** The peer whose caseload this is. */
  peerId: string;
  /** A colleague on the same team who covers nobody in the matrix (coverage bodies name them). */
  coverPeerId: string;
  clientId: string;
  planId: string;
  goalId: string;
  draftNoteId: string;
  signedNoteId: string;
  followUpId: string;
  coverageId: string;
  consentId: string;
  certificationId: string;
  groupSessionId: string;
  notificationId: string;
  /** The organization's API client (consent recipients). */
  apiClientId: string;
  /** A resource of the organization's directory, and a referral out of the client to it. */
  resourceId: string;
  referralOutId: string;
  /** An (inactive) webhook of the organization, and one failed delivery of it. */
  webhookId: string;
  deliveryId: string;
}

/** The homes a principal sees relative to itself, plus the nonexistent one. */
export type Relation = 'own' | 'teammate' | 'otherTeam' | 'otherOrg' | 'missing';
export const RELATIONS: Relation[] = ['own', 'teammate', 'otherTeam', 'otherOrg', 'missing'];

const HOUR = 3_600_000;

/** A home whose every id is a random UUID: the "nonexistent record" of each route. */
export function missingHome(): Home {
  const id = () => randomUUID();
  return {
    key: 'missing',
    orgId: id(),
    teamId: id(),
    peerId: id(),
    coverPeerId: id(),
    clientId: id(),
    planId: id(),
    goalId: id(),
    draftNoteId: id(),
    signedNoteId: id(),
    followUpId: id(),
    coverageId: id(),
    consentId: id(),
    certificationId: id(),
    groupSessionId: id(),
    notificationId: id(),
    apiClientId: id(),
    resourceId: id(),
    referralOutId: id(),
    webhookId: id(),
    deliveryId: id(),
  };
}

/** Inserts the rows the factories do not cover; each returns the new id. */
export const insert = {
  /** A relapse-prevention plan (version 1) of the client, written by its peer. */
  async relapsePlan(ds: DataSource, orgId: string, clientId: string, peerId: string) {
    await ds.query(
      `WITH p AS (INSERT INTO relapse_prevention_plan (organization_id, client_id, created_by_id, updated_by_id)
         VALUES ($1, $2, $3, $3) RETURNING id)
       INSERT INTO relapse_prevention_plan_version (plan_id, version, content, author_id)
       SELECT p.id, 1, $4, $3 FROM p`,
      [orgId, clientId, peerId, JSON.stringify({ triggers: ['Payday weekends'] })],
    );
  },
  async coverage(ds: DataSource, clientId: string, specialistId: string): Promise<string> {
    const [row] = await ds.query(
      `INSERT INTO client_coverage (client_id, specialist_id, starts_at, ends_at)
       VALUES ($1, $2, now() - interval '1 hour', now() + interval '7 days') RETURNING id`,
      [clientId, specialistId],
    );
    return row.id;
  },
  async consent(
    ds: DataSource,
    h: { orgId: string; clientId: string; apiClientId: string },
  ): Promise<string> {
    const [row] = await ds.query(
      `INSERT INTO consent (organization_id, client_id, recipient_id, purposes, categories, effective_at, expires_at,
         signed_at, signature_method)
       VALUES ($1, $2, $3, '{treatment}', '{demographics,follow-ups}', now() - interval '1 day',
         now() + interval '300 days', now() - interval '1 day', 'electronic') RETURNING id`,
      [h.orgId, h.clientId, h.apiClientId],
    );
    return row.id;
  },
  async resource(ds: DataSource, orgId: string): Promise<string> {
    const [row] = await ds.query(
      `INSERT INTO community_resource (organization_id, name, categories) VALUES ($1, 'Matrix Housing', '{housing}')
       RETURNING id`,
      [orgId],
    );
    return row.id;
  },
  async referralOut(
    ds: DataSource,
    h: { orgId: string; clientId: string; peerId: string; resourceId: string },
  ): Promise<string> {
    const [row] = await ds.query(
      `INSERT INTO referral_out (organization_id, client_id, resource_id, need, reason, sent_by_id, follow_up_due_at)
       VALUES ($1, $2, $3, 'housing', 'Matrix referral', $4, now() + interval '7 days') RETURNING id`,
      [h.orgId, h.clientId, h.resourceId, h.peerId],
    );
    return row.id;
  },
  async groupSession(
    ds: DataSource,
    h: { orgId: string; clientId: string; peerId: string },
  ): Promise<string> {
    const startedAt = new Date(Date.now() - 26 * HOUR);
    const [row] = await ds.query(
      `INSERT INTO group_session (organization_id, topic, facilitator_id, started_at, ended_at, created_by_id)
       VALUES ($1, 'Morning check-in', $2, $3, $4, $2) RETURNING id`,
      [h.orgId, h.peerId, startedAt, new Date(startedAt.getTime() + HOUR)],
    );
    await ds.query(
      `INSERT INTO group_session_attendee (group_session_id, client_id, organization_id, session_started_at, participation)
       VALUES ($1, $2, $3, $4, 'Shared a goal for the week.')`,
      [row.id, h.clientId, h.orgId, startedAt],
    );
    return row.id;
  },
  async notification(ds: DataSource, orgId: string, recipientId: string): Promise<string> {
    const [row] = await ds.query(
      `INSERT INTO notification (organization_id, recipient_id, kind, dedupe_key)
       VALUES ($1, $2, 'test.matrix', $3) RETURNING id`,
      [orgId, recipientId, `matrix:${randomUUID()}`],
    );
    return row.id;
  },
  async apiClient(ds: DataSource, orgId: string): Promise<string> {
    const [row] = await ds.query(
      `INSERT INTO api_client (organization_id, name, client_id, secret_hash, scopes)
       VALUES ($1, 'Matrix EHR', $2, '\\x00', '{system/Patient.read}') RETURNING id`,
      [orgId, `rb_matrix_${randomUUID().slice(0, 8)}`],
    );
    return row.id;
  },
  /** An inactive webhook (no change of the matrix queues a delivery to it). */
  async webhook(ds: DataSource, orgId: string): Promise<string> {
    const [row] = await ds.query(
      `INSERT INTO webhook (organization_id, url, events, secret_sealed, active)
       VALUES ($1, 'https://receiver.example/hooks', '{client.discharged}', '\\x00', false) RETURNING id`,
      [orgId],
    );
    return row.id;
  },
  /** A failed delivery of the webhook (what an admin redelivers). */
  async webhookDelivery(ds: DataSource, orgId: string, webhookId: string): Promise<string> {
    const [row] = await ds.query(
      `INSERT INTO webhook_delivery (organization_id, webhook_id, event_type, payload, status, status_reason, attempts)
       VALUES ($1, $2, 'client.discharged', '{}', 'failed', 'HTTP 500', 1) RETURNING id`,
      [orgId, webhookId],
    );
    return row.id;
  },
  /** A specialist whose caseload cap the matrix never reaches (fresh records add clients). */
  async roomyProfile(ds: DataSource, orgId: string, userId: string): Promise<void> {
    await ds.query(
      `INSERT INTO specialist_profile (user_id, organization_id, caseload_cap) VALUES ($1, $2, 1000)`,
      [userId, orgId],
    );
  },
};

/** A peer who carries a caseload in the matrix: a credential to sign with and a roomy cap. */
export async function createCaseloadPeer(
  app: NestFastifyApplication,
  orgId: string,
  teamId: string,
): Promise<TestUser & { certificationId: string }> {
  const ds = app.get(DataSource);
  const peer = await createUser(app, orgId, Role.PeerSpecialist, [teamId]);
  const certificationId = await createCertification(ds, {
    organizationId: orgId,
    userId: peer.id,
    expiresOn: '2099-12-31',
  });
  await insert.roomyProfile(ds, orgId, peer.id);
  return { ...peer, certificationId };
}

/** A client of `peerId` with one record of each kind. */
export async function createHome(
  ds: DataSource,
  o: {
    key: string;
    orgId: string;
    teamId: string;
    peerId: string;
    coverPeerId: string;
    apiClientId: string;
    certificationId: string;
  },
): Promise<Home> {
  const clientId = await createClient(ds, { organizationId: o.orgId, specialistId: o.peerId });
  const plan = await createPlan(ds, { id: clientId, organizationId: o.orgId });
  await insert.relapsePlan(ds, o.orgId, clientId, o.peerId);
  const h = { ...o, clientId };
  const resourceId = await insert.resource(ds, o.orgId);
  const webhookId = await insert.webhook(ds, o.orgId);
  const note = (status: 'draft' | 'signed') =>
    createNote(ds, { organizationId: o.orgId, clientId, authorId: o.peerId, status });
  return {
    ...h,
    planId: plan.id,
    goalId: (await createGoal(ds, plan)).id,
    draftNoteId: await note('draft'),
    signedNoteId: await note('signed'),
    followUpId: await createFollowUp(ds, {
      organizationId: o.orgId,
      clientId,
      ownerId: o.peerId,
      dueAt: new Date(Date.now() + 24 * HOUR),
    }),
    coverageId: await insert.coverage(ds, clientId, o.coverPeerId),
    consentId: await insert.consent(ds, h),
    groupSessionId: await insert.groupSession(ds, h),
    notificationId: await insert.notification(ds, o.orgId, o.peerId),
    resourceId,
    referralOutId: await insert.referralOut(ds, { ...h, resourceId }),
    webhookId,
    deliveryId: await insert.webhookDelivery(ds, o.orgId, webhookId),
  };
}

export type PrincipalName =
  | 'anonymous'
  | 'admin'
  | 'supervisor'
  | 'otherTeamSupervisor'
  | 'peer'
  | 'otherTeamPeer'
  | 'coveringPeer'
  | 'otherOrgAdmin'
  | 'otherOrgSupervisor'
  | 'deactivated'
  | 'demotedSupervisor'
  | 'promotedPeer'
  | `apiClient:${(typeof API_SCOPES)[number]}`;

export interface Principal {
  name: PrincipalName;
  token: string | null;
  /** The user behind the token (for personal records such as notifications). */
  userId: string | null;
  /** Relation -> home, as this principal sees the world. */
  homes: Record<Relation, Home>;
  /** The principal's own notification (personal records have no team). */
  notificationId: string;
}

export interface World {
  org1: string;
  org2: string;
  homes: Record<'N1' | 'N2' | 'S1' | 'S2' | 'E1' | 'E2' | 'W1', Home>;
  principals: Principal[];
  /** Tokens of org admins, for fixtures made through the API. */
  adminToken: string;
  /** Every user id the matrix created (for the unchanged-rows check). */
  orgIds: string[];
}

/**
 * Two organizations. Org 1: team North (supervisor, peer = caseload N1, a colleague with N2, a
 * covering colleague), team South (its supervisor, the other team's peer = S1, colleague S2),
 * an admin, a deactivated peer, a supervisor about to be demoted and a peer about to be promoted.
 * Org 2: team East (supervisor, E1, E2), team West (W1), an admin. Relations are relative to the
 * principal: North's principals see N1 as own, N2 as teammate, S1 as other team, E1 as other
 * organization; South's principals the mirror image; org 2's principals E1, E2, W1 and N1.
 */
export async function buildWorld(app: NestFastifyApplication): Promise<World> {
  const ds = app.get(DataSource);
  const http = () => request(app.getHttpServer());
  const org1 = await createOrganization(ds);
  const org2 = await createOrganization(ds);
  const [north, south, east, west] = await Promise.all([
    createTeam(ds, org1, 'North'),
    createTeam(ds, org1, 'South'),
    createTeam(ds, org2, 'East'),
    createTeam(ds, org2, 'West'),
  ]);
  const [admin, otherOrgAdmin] = await Promise.all([
    createUser(app, org1, Role.Admin),
    createUser(app, org2, Role.Admin),
  ]);
  const [supervisor, otherTeamSupervisor, otherOrgSupervisor, demotedSupervisor] =
    await Promise.all([
      createUser(app, org1, Role.Supervisor, [north]),
      createUser(app, org1, Role.Supervisor, [south]),
      createUser(app, org2, Role.Supervisor, [east]),
      createUser(app, org1, Role.Supervisor, [north]),
    ]);
  const peers = await Promise.all(
    [
      [org1, north],
      [org1, north],
      [org1, south],
      [org1, south],
      [org2, east],
      [org2, east],
      [org2, west],
    ].map(([org, team]) => createCaseloadPeer(app, org, team)),
  );
  const covers = await Promise.all(
    [
      [org1, north],
      [org1, south],
      [org2, east],
      [org2, west],
    ].map(([org, team]) => createCaseloadPeer(app, org, team)),
  );
  const [deactivated, promotedPeer] = await Promise.all([
    createUser(app, org1, Role.PeerSpecialist, [north]),
    createUser(app, org1, Role.PeerSpecialist, [north]),
  ]);
  // The API clients every consent names; org 1's also is the matrix's machine principal.
  const created = await http()
    .post('/api/v1/api-clients')
    .auth(admin.token, { type: 'bearer' })
    .send({ name: 'Matrix EHR', scopes: [...API_SCOPES] })
    .expect(201);
  const apiClient1 = created.body as { id: string; clientId: string; clientSecret: string };
  const apiClient2 = await insert.apiClient(ds, org2);

  const spec: [keyof World['homes'], string, string, number, number, string][] = [
    ['N1', org1, north, 0, 0, apiClient1.id],
    ['N2', org1, north, 1, 0, apiClient1.id],
    ['S1', org1, south, 2, 1, apiClient1.id],
    ['S2', org1, south, 3, 1, apiClient1.id],
    ['E1', org2, east, 4, 2, apiClient2],
    ['E2', org2, east, 5, 2, apiClient2],
    ['W1', org2, west, 6, 3, apiClient2],
  ];
  const built = await Promise.all(
    spec.map(([key, orgId, teamId, p, c, apiClientId]) =>
      createHome(ds, {
        key,
        orgId,
        teamId,
        peerId: peers[p].id,
        certificationId: peers[p].certificationId,
        coverPeerId: covers[c].id,
        apiClientId,
      }),
    ),
  );
  const homes = Object.fromEntries(built.map((h) => [h.key, h])) as World['homes'];
  const missing = missingHome();
  const northView: Record<Relation, Home> = {
    own: homes.N1,
    teammate: homes.N2,
    otherTeam: homes.S1,
    otherOrg: homes.E1,
    missing,
  };
  const southView = { ...northView, own: homes.S1, teammate: homes.S2, otherTeam: homes.N1 };
  const eastView = {
    own: homes.E1,
    teammate: homes.E2,
    otherTeam: homes.W1,
    otherOrg: homes.N1,
    missing,
  };

  const user = async (
    name: PrincipalName,
    u: TestUser,
    homesOf: Record<Relation, Home>,
  ): Promise<Principal> => ({
    name,
    token: u.token,
    userId: u.id,
    homes: homesOf,
    notificationId: await insert.notification(ds, u.organizationId, u.id),
  });
  const principals: Principal[] = await Promise.all([
    user('admin', admin, northView),
    user('supervisor', supervisor, northView),
    user('otherTeamSupervisor', otherTeamSupervisor, southView),
    user('peer', peers[0], northView),
    user('otherTeamPeer', peers[2], southView),
    user('coveringPeer', covers[0], northView),
    user('otherOrgAdmin', otherOrgAdmin, eastView),
    user('otherOrgSupervisor', otherOrgSupervisor, eastView),
    user('deactivated', deactivated, northView),
    user('demotedSupervisor', demotedSupervisor, northView),
    user('promotedPeer', promotedPeer, northView),
  ]);
  principals.push({
    name: 'anonymous',
    token: null,
    userId: null,
    homes: northView,
    notificationId: missing.notificationId,
  });
  for (const scope of API_SCOPES) {
    const res = await http()
      .post('/oauth/token')
      .type('form')
      .send({
        grant_type: 'client_credentials',
        client_id: apiClient1.clientId,
        client_secret: apiClient1.clientSecret,
        scope,
      })
      .expect(200);
    principals.push({
      name: `apiClient:${scope}`,
      token: res.body.access_token,
      userId: null,
      homes: northView,
      notificationId: missing.notificationId,
    });
  }

  // The role changes and the deactivation go through the admin API, after the tokens were issued.
  const patchUser = (id: string, body: Record<string, unknown>) =>
    http()
      .patch(`/api/v1/users/${id}`)
      .auth(admin.token, { type: 'bearer' })
      .set('If-Match', '"1"')
      .send(body)
      .expect(200);
  await patchUser(deactivated.id, { active: false });
  // Role only, as an admin would send it: the team memberships stay as they were.
  await patchUser(demotedSupervisor.id, { role: Role.PeerSpecialist });
  await patchUser(promotedPeer.id, { role: Role.Supervisor });
  return { org1, org2, homes, principals, adminToken: admin.token, orgIds: [org1, org2] };
}
