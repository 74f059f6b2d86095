import { randomUUID } from 'node:crypto';

import { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { DataSource } from 'typeorm';

import { createCertification } from '../factories/client.factory';
import { createTestOrg, TestOrg, TestUser } from '../factories/people.factory';
import { bearer } from './http';

const DAY = 86_400_000;

/** The free text a world's records carry; the PHI canary suite fills every one with a marker. */
export interface WorldText {
  firstName: string;
  lastName: string;
  preferredName: string;
  dateOfBirth: string;
  email: string;
  phone: string;
  medicaidId: string;
  planTitle: string;
  strength: string;
  goalDescription: string;
  actionStep: string;
  noteText: string;
  addendumText: string;
  facility: string;
  disposition: string;
  groupTopic: string;
  participation: string;
  referralReason: string;
}

export const PLAIN_TEXT: WorldText = {
  firstName: 'Fuzz',
  lastName: 'Fixture',
  preferredName: 'Fuzzy',
  dateOfBirth: '1985-06-15',
  email: 'fuzz.fixture@example.test',
  phone: '+1-555-0100',
  medicaidId: 'MCD-000001',
  planTitle: 'Steady ground after discharge',
  strength: 'Supportive sister nearby',
  goalDescription: 'Move into stable housing',
  actionStep: 'Call the housing navigator',
  noteText: 'Met at the library; talked about the job fair.',
  addendumText: 'Correction: the meeting was at the community center.',
  facility: 'Riverside Withdrawal Management Center',
  disposition: 'home',
  groupTopic: 'Building a recovery support network',
  participation: 'Shared a goal for the week.',
  referralReason: 'Needs a recovery residence near the new job.',
};

/** Ids of one organization's records, each made through the API (its happy path). */
export interface ApiWorld {
  org: TestOrg;
  /** On peerA1's caseload: plan, goal, notes, assessment, discharge, consent, group. */
  clientId: string;
  /** On peerA1's caseload: the target of assignment and coverage calls. */
  spareClientId: string;
  planId: string;
  goalId: string;
  draftNoteId: string;
  signedNoteId: string;
  addendumId: string;
  assessmentId: string;
  dischargeId: string;
  followUpId: string;
  groupSessionId: string;
  /** A resource of the organization's directory, and peerA1's referral of clientId to it. */
  resourceId: string;
  referralOutId: string;
  webhookId: string;
  recipientApiClientId: string;
  spareApiClientId: string;
  consentId: string;
  coverageId: string;
  certificationId: string;
  spareUserId: string;
  spareTeamId: string;
  /** One unread notification per user of the org, by user id. */
  notificationIds: Record<string, string>;
}

async function call(
  app: NestFastifyApplication,
  user: TestUser,
  method: 'post' | 'patch' | 'put',
  url: string,
  body: object,
  expected: number,
): Promise<Record<string, unknown>> {
  const res = await request(app.getHttpServer())[method](url).auth(user.token, bearer).send(body);
  if (res.status !== expected) {
    throw new Error(`${method.toUpperCase()} ${url} answered ${res.status}: ${res.text}`);
  }
  return res.body as Record<string, unknown>;
}

async function insertNotifications(ds: DataSource, org: TestOrg): Promise<Record<string, string>> {
  const users = [org.admin, org.supervisorA, org.supervisorB, org.peerA1, org.peerA2, org.peerB1];
  const ids: Record<string, string> = {};
  for (const user of users) {
    const [row] = await ds.query(
      `INSERT INTO notification (organization_id, recipient_id, kind, dedupe_key)
       VALUES ($1, $2, 'test.fixture', $3) RETURNING id`,
      [org.id, user.id, `fixture-${randomUUID()}`],
    );
    ids[user.id] = row.id;
  }
  return ids;
}

async function clinicalRecords(app: NestFastifyApplication, org: TestOrg, text: WorldText) {
  const peer = org.peerA1;
  const client = await call(app, peer, 'post', '/api/v1/clients', clientBody(text), 201);
  const clientId = client.id as string;
  const spare = await call(
    app,
    peer,
    'post',
    '/api/v1/clients',
    {
      firstName: 'Spare',
      lastName: `Client-${randomUUID().slice(0, 8)}`,
      dateOfBirth: '1991-02-03',
    },
    201,
  );
  const plan = await call(
    app,
    peer,
    'post',
    `/api/v1/clients/${clientId}/recovery-plans`,
    {
      title: text.planTitle,
      strengths: [text.strength],
      barriers: [text.strength],
    },
    201,
  );
  const goal = await call(
    app,
    peer,
    'post',
    `/api/v1/recovery-plans/${plan.id}/goals`,
    {
      description: text.goalDescription,
      domain: 'home',
      actionSteps: [{ text: text.actionStep }],
    },
    201,
  );
  const assessment = await call(
    app,
    peer,
    'post',
    `/api/v1/clients/${clientId}/assessments`,
    {
      instrument: 'BARC-10',
      answers: [4, 5, 4, 3, 5, 4, 4, 5, 3, 4],
    },
    201,
  );
  const draft = await call(
    app,
    peer,
    'post',
    `/api/v1/clients/${clientId}/session-notes`,
    noteBody(text),
    201,
  );
  const toSign = await call(
    app,
    peer,
    'post',
    `/api/v1/clients/${clientId}/session-notes`,
    noteBody(text),
    201,
  );
  await call(app, peer, 'post', `/api/v1/session-notes/${toSign.id}/sign`, {}, 200);
  // The relapse-prevention plan holds the client's own words: the canary goes in every list.
  await call(
    app,
    peer,
    'put',
    `/api/v1/clients/${clientId}/relapse-prevention-plan`,
    {
      triggers: [text.noteText],
      warningSigns: [text.noteText],
      copingStrategies: [text.actionStep],
      peopleToCall: [{ name: text.firstName, relationship: 'friend', phone: text.phone }],
      helpfulPlaces: [{ name: text.groupTopic, kind: 'meeting' }],
      reasonsForRecovery: [text.strength],
    },
    201,
  );
  const addendum = await call(
    app,
    peer,
    'post',
    `/api/v1/session-notes/${toSign.id}/addenda`,
    {
      text: text.addendumText,
    },
    201,
  );
  const discharge = await call(
    app,
    peer,
    'post',
    `/api/v1/clients/${clientId}/discharges`,
    {
      facility: text.facility,
      levelOfCare: 'inpatient',
      admittedAt: new Date(Date.now() - 10 * DAY).toISOString(),
      dischargedAt: new Date(Date.now() - DAY).toISOString(),
      disposition: text.disposition,
      planned: true,
    },
    201,
  );
  const group = await call(
    app,
    peer,
    'post',
    '/api/v1/group-sessions',
    {
      topic: text.groupTopic,
      startedAt: new Date(Date.now() - 3 * 3600_000).toISOString(),
      endedAt: new Date(Date.now() - 2 * 3600_000).toISOString(),
      attendees: [{ clientId, participation: text.participation }],
    },
    201,
  );
  return {
    clientId,
    spareClientId: spare.id as string,
    planId: plan.id as string,
    goalId: goal.id as string,
    assessmentId: assessment.id as string,
    draftNoteId: draft.id as string,
    signedNoteId: toSign.id as string,
    addendumId: addendum.id as string,
    dischargeId: discharge.id as string,
    followUpId: (discharge.followUps as { id: string }[])[0].id,
    groupSessionId: group.id as string,
  };
}

export function clientBody(text: WorldText): Record<string, unknown> {
  return {
    firstName: text.firstName,
    lastName: text.lastName,
    preferredName: text.preferredName,
    dateOfBirth: text.dateOfBirth,
    email: text.email,
    phone: text.phone,
    identifiers: [{ system: 'urn:medicaid', value: text.medicaidId }],
  };
}

export function noteBody(text: WorldText, riskFlags: string[] = []): Record<string, unknown> {
  return {
    startedAt: new Date(Date.now() - 3 * 3600_000).toISOString(),
    endedAt: new Date(Date.now() - 2 * 3600_000).toISOString(),
    contactType: 'phone',
    format: 'narrative',
    sections: { narrative: text.noteText },
    riskFlags,
  };
}

/**
 * An organization (createTestOrg) and one of every record the API has an id for, made through the
 * API as the roles that may make them, so a fuzzer or a leak test can reach every route past 404.
 */
export async function buildApiWorld(
  app: NestFastifyApplication,
  text: WorldText = PLAIN_TEXT,
): Promise<ApiWorld> {
  const ds = app.get(DataSource);
  const org = await createTestOrg(app);
  const certificationId = await createCertification(ds, {
    organizationId: org.id,
    userId: org.peerA1.id,
    expiresOn: new Date(Date.now() + 365 * DAY).toISOString().slice(0, 10),
  });
  const clinical = await clinicalRecords(app, org, text);
  const admin = org.admin;
  const recipient = await call(
    app,
    admin,
    'post',
    '/api/v1/api-clients',
    {
      name: 'Valley EHR',
      scopes: ['system/*.read'],
    },
    201,
  );
  const spareApiClient = await call(
    app,
    admin,
    'post',
    '/api/v1/api-clients',
    {
      name: 'Spare EHR',
      scopes: ['discharges:write'],
    },
    201,
  );
  const consent = await call(
    app,
    org.peerA1,
    'post',
    `/api/v1/clients/${clinical.clientId}/consents`,
    {
      recipientId: recipient.id,
      purposes: ['treatment'],
      categories: ['demographics', 'follow-ups'],
      expiresAt: new Date(Date.now() + 365 * DAY).toISOString(),
      signedAt: new Date(Date.now() - 3600_000).toISOString(),
      signatureMethod: 'written',
    },
    201,
  );
  const coverage = await call(
    app,
    org.supervisorA,
    'post',
    `/api/v1/clients/${clinical.spareClientId}/coverage`,
    {
      specialistId: org.peerA2.id,
      endsAt: new Date(Date.now() + 7 * DAY).toISOString(),
    },
    201,
  );
  const spareUser = await call(
    app,
    admin,
    'post',
    '/api/v1/users',
    {
      email: `spare-${randomUUID()}@example.test`,
      password: 'Spare-Password-2026!',
      firstName: 'Spare',
      lastName: 'User',
      role: 'peer_specialist',
      teamIds: [],
    },
    201,
  );
  const resource = await call(
    app,
    org.supervisorA,
    'post',
    '/api/v1/resources',
    { name: 'Harbor Light Housing', categories: ['housing'] },
    201,
  );
  const referral = await call(
    app,
    org.peerA1,
    'post',
    `/api/v1/clients/${clinical.clientId}/referrals-out`,
    { resourceId: resource.id, need: 'housing', reason: text.referralReason },
    201,
  );
  const webhook = await call(
    app,
    admin,
    'post',
    '/api/v1/webhooks',
    {
      url: 'https://receiver.example/hooks',
      events: ['client.discharged'],
      apiClientId: recipient.id,
    },
    201,
  );
  const spareTeam = await call(
    app,
    admin,
    'post',
    '/api/v1/teams',
    { name: `Spare ${randomUUID()}` },
    201,
  );
  return {
    org,
    ...clinical,
    recipientApiClientId: recipient.id as string,
    spareApiClientId: spareApiClient.id as string,
    consentId: consent.id as string,
    coverageId: coverage.id as string,
    certificationId,
    spareUserId: spareUser.id as string,
    spareTeamId: spareTeam.id as string,
    resourceId: resource.id as string,
    referralOutId: referral.id as string,
    webhookId: webhook.id as string,
    notificationIds: await insertNotifications(ds, org),
  };
}

/** The real record each path parameter names, so requests reach the handler. */
export function fixturePathId(w: ApiWorld, p: string, name: string, userId: string): string {
  if (name === 'coverageId') return w.coverageId;
  if (name === 'consentId') return w.consentId;
  if (name === 'certificationId') return w.certificationId;
  if (name === 'specialistId') return w.org.peerA1.id;
  if (name === 'levelOfCare') return 'inpatient';
  if (name === 'n') return '1'; // the first version of the client's relapse-prevention plan
  if (
    p.startsWith('/api/v1/clients/{id}/assignments') ||
    p.startsWith('/api/v1/clients/{id}/coverage')
  )
    return w.spareClientId;
  if (p.startsWith('/api/v1/clients/')) return w.clientId;
  if (p.startsWith('/api/v1/users/')) return w.spareUserId;
  if (p.startsWith('/api/v1/api-clients/')) return w.spareApiClientId;
  if (p.startsWith('/api/v1/consents/')) return w.consentId;
  if (p.startsWith('/api/v1/teams/')) return w.spareTeamId;
  if (p.startsWith('/api/v1/notifications/'))
    return w.notificationIds[userId] ?? w.notificationIds[w.org.admin.id];
  if (p.startsWith('/api/v1/recovery-plans/')) return w.planId;
  if (p.startsWith('/api/v1/goals/')) return w.goalId;
  if (p.startsWith('/api/v1/specialists/')) return w.org.peerA1.id;
  if (p.startsWith('/api/v1/follow-ups/')) return w.followUpId;
  if (p.startsWith('/api/v1/group-sessions/')) return w.groupSessionId;
  if (p.startsWith('/api/v1/resources/')) return w.resourceId;
  if (p.startsWith('/api/v1/referrals-out/')) return w.referralOutId;
  if (p.startsWith('/api/v1/webhooks/')) return w.webhookId;
  if (p === '/api/v1/session-notes/{id}/addenda' || p === '/api/v1/session-notes/{id}/review')
    return w.signedNoteId;
  if (p.startsWith('/api/v1/session-notes/')) return w.draftNoteId;
  throw new Error(`No fixture for path parameter ${name} of ${p}`);
}
