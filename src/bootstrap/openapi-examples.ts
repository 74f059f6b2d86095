import type { OpenAPIObject } from '@nestjs/swagger';

import { DEMO_IDS } from '../database/seeds/demo-ids';

const PEER1 = DEMO_IDS.users['peer1@demo.test'];

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

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

function exampleFor(method: string, path: string, name: string): string | number | undefined {
  const segments = path.split('/');
  const collection = segments[segments.indexOf(`{${name}}`) - 1];
  return (name === 'id' && BY_OPERATION[`${method} ${path}`]) || BY_COLLECTION[collection];
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
