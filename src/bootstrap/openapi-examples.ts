import type { OpenAPIObject } from '@nestjs/swagger';

import { DEMO_IDS } from '../database/seeds/demo-ids';

const PEER1 = DEMO_IDS.users['peer1@demo.test'];
const PEER2 = DEMO_IDS.users['peer2@demo.test'];
const SUPERVISOR = DEMO_IDS.users['supervisor@demo.test'];

/**
 * The demo record a path parameter names, by the path segment before it (`/clients/{id}`,
 * `/coverage/{coverageId}`, `/versions/{n}`): the example Swagger UI's "Try it out" starts from,
 * so that each operation works against the demo data (issue 15).
 */
const BY_COLLECTION: Readonly<Record<string, string | number>> = {
  users: PEER1,
  teams: DEMO_IDS.teams.North,
  'api-clients': DEMO_IDS.apiClient,
  notifications: DEMO_IDS.notification,
  clients: DEMO_IDS.client,
  coverage: DEMO_IDS.coverage,
  consents: DEMO_IDS.consent,
  'session-notes': DEMO_IDS.signedNote,
  'group-sessions': DEMO_IDS.groupSession,
  'recovery-plans': DEMO_IDS.recoveryPlan,
  goals: DEMO_IDS.goal,
  versions: 1,
  'follow-ups': DEMO_IDS.followUp,
  'follow-up-cadences': 'withdrawal_management',
  resources: DEMO_IDS.resource,
  'referrals-out': DEMO_IDS.referralOut,
  specialists: PEER1,
  certifications: DEMO_IDS.certification,
  caseloads: PEER1,
  webhooks: DEMO_IDS.webhook,
  deliveries: DEMO_IDS.webhookDelivery,
};

// Only a draft note can be edited and signed; a note's other operations want a signed one.
const BY_OPERATION: Readonly<Record<string, string>> = {
  'patch /api/v1/session-notes/{id}': DEMO_IDS.draftNote,
  'post /api/v1/session-notes/{id}/sign': DEMO_IDS.draftNote,
};

/** The demo record an id in a request body names, by schema and property. */
const BY_PROPERTY: Readonly<Record<string, string | string[]>> = {
  'AttendeeDto.clientId': DEMO_IDS.client,
  'CompleteFollowUpDto.sessionNoteId': DEMO_IDS.signedNote,
  'CreateAssignmentDto.specialistId': PEER2,
  'CreateClientDto.primarySpecialistId': PEER1,
  'CreateConsentDto.recipientId': DEMO_IDS.apiClient,
  'CreateCoverageDto.specialistId': PEER2,
  'CreateGroupSessionDto.facilitatorId': PEER1,
  'CreateReferralOutDto.resourceId': DEMO_IDS.resource,
  'CreateSessionNoteDto.goalIds': [DEMO_IDS.goal],
  'UpdateSessionNoteDto.goalIds': [DEMO_IDS.goal],
  'CreateTeamDto.memberIds': [PEER2],
  'UpdateTeamDto.memberIds': [PEER2],
  'CreateTeamDto.supervisorIds': [SUPERVISOR],
  'UpdateTeamDto.supervisorIds': [SUPERVISOR],
  'CreateWebhookDto.apiClientId': DEMO_IDS.apiClient,
  'UpdateUserDto.teamIds': [DEMO_IDS.teams.North],
};

/**
 * Optional ids no demo record fits (a declined referral to re-send, a BARC-10 for an assessment
 * task): left out of the operation's example, which is the rest of the body as documented.
 */
const LEFT_OUT: Readonly<Record<string, string>> = {
  'CompleteFollowUpDto.assessmentId': 'post /api/v1/follow-ups/{id}/complete',
  'CreateReferralOutDto.resentFromId': 'post /api/v1/clients/{id}/referrals-out',
};

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

function exampleFor(method: string, path: string, name: string): string | number | undefined {
  const segments = path.split('/');
  const collection = segments[segments.indexOf(`{${name}}`) - 1];
  return (name === 'id' && BY_OPERATION[`${method} ${path}`]) || BY_COLLECTION[collection];
}

type PropertyObject = { example?: unknown; default?: unknown; enum?: unknown[] };
type SchemaObject = { properties?: Record<string, PropertyObject> };

// What Swagger UI would fill a property with: its example, else its default or first enum value.
const sampleOf = (p: PropertyObject): unknown => p.example ?? p.default ?? p.enum?.[0];

/**
 * Gives every id of a request body the id of a demo record as its example, and the operations
 * whose bodies hold an optional id no demo record fits a whole-body example without it.
 */
export function withBodyExamples(document: OpenAPIObject): OpenAPIObject {
  const schemas = (document.components?.schemas ?? {}) as Record<string, SchemaObject>;
  for (const [key, example] of Object.entries(BY_PROPERTY)) {
    const [schema, property] = key.split('.');
    const target = schemas[schema]?.properties?.[property];
    if (target) target.example = example;
  }
  for (const [key, operation] of Object.entries(LEFT_OUT)) {
    const [schemaName, property] = key.split('.');
    const [method, path] = operation.split(' ');
    const media = (
      document.paths[path]?.[method as (typeof METHODS)[number]]?.requestBody as
        { content?: Record<string, { example?: unknown }> } | undefined
    )?.content?.['application/json'];
    const properties = schemas[schemaName]?.properties;
    if (!media || !properties) continue;
    media.example = Object.fromEntries(
      Object.entries(properties)
        .filter(([name, p]) => name !== property && sampleOf(p) !== undefined)
        .map(([name, p]) => [name, sampleOf(p)]),
    );
  }
  return document;
}

/** Gives every path parameter the id of a demo record (demo-ids.ts) as its example. */
export function withPathExamples(document: OpenAPIObject): OpenAPIObject {
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      for (const parameter of item[method]?.parameters ?? []) {
        if ('$ref' in parameter || parameter.in !== 'path' || parameter.example !== undefined) {
          continue;
        }
        const example = exampleFor(method, path, parameter.name);
        if (example !== undefined) parameter.example = example;
      }
    }
  }
  return document;
}
