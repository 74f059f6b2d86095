/**
 * The sections of the API documentation (Swagger UI at /docs, openapi.yaml), in the order a
 * newcomer meets them in a working day: sign in, clients, their notes and plans, discharges and
 * follow-ups, the dashboards; then administration, the audit log and health. Controllers name
 * their section with `@ApiTags`; this list orders and describes them, and a test fails when an
 * operation's tag is missing from it.
 */
export const API_TAGS: readonly { name: string; description: string }[] = [
  {
    name: 'auth',
    description:
      'Sign in with email and password (demo data: peer1@demo.test, supervisor@demo.test or admin@demo.test, password Recovery-Demo-2026!), then press Authorize and paste the accessToken. Refresh, log out, and GET /api/v1/me for who you are.',
  },
  {
    name: 'oauth',
    description:
      'Sign-in for API clients (EHR and treatment systems): client credentials for a short-lived JWT carrying their scopes.',
  },
  {
    name: 'clients',
    description:
      'Clients and caseloads: search, create and update, assignments, coverage and the needs-assignment queue. Path examples name demo records: the client is Juniper Demoworth, on peer1’s caseload (GET /api/v1/clients lists yours).',
  },
  {
    name: 'consents',
    description:
      '42 CFR Part 2 consents: which organization may receive a client’s records; revocation.',
  },
  {
    name: 'disclosures',
    description:
      'Accounting of disclosures (42 CFR 2.24): every release of a client’s records to an API client, by consent; kept three years.',
  },
  {
    name: 'session-notes',
    description:
      'Session notes: drafts, signing and locking, addenda, supervisor review, notes by goal, and a client’s timeline.',
  },
  {
    name: 'group-sessions',
    description:
      'Peer support groups: each attendee’s participation, shown only to staff who may see that client; drafts corrected, then signed.',
  },
  { name: 'assessments', description: 'BARC-10 recovery capital: record, history and trend.' },
  {
    name: 'recovery-plans',
    description:
      'Recovery plans (FHIR CarePlan statuses), review dates and the client’s agreement.',
  },
  {
    name: 'goals',
    description:
      'Goals of a plan by recovery domain, with progress: how many notes addressed each, and when last.',
  },
  {
    name: 'relapse-prevention-plans',
    description:
      'A client’s relapse prevention plan: triggers, warning signs, coping steps and supports; every save is a new version.',
  },
  {
    name: 'discharges',
    description:
      'The discharge bridge: record a discharge (its follow-up tasks are created in the same transaction) or a readmission.',
  },
  {
    name: 'follow-ups',
    description:
      'Follow-up tasks: the queue, contact attempts and completion (by a session note, or by the BARC-10 for the day-30 assessment).',
  },
  {
    name: 'referrals-out',
    description:
      'Referrals to community resources (housing, treatment, mutual help) and their outcome.',
  },
  {
    name: 'resources',
    description:
      'The community resources directory: search by category and distance, import, keep current.',
  },
  {
    name: 'caseloads',
    description:
      'Supervision dashboards: caseloads against caps, clients without contact, overdue follow-ups, unsigned notes.',
  },
  {
    name: 'reports',
    description: 'Follow-up rates within 7 and 30 days of discharge, per level of care.',
  },
  { name: 'notifications', description: 'Your reminders, escalations and alerts.' },
  {
    name: 'specialists',
    description:
      'Peer specialist profiles: credentials, continuing-education and supervision hours, caseload cap.',
  },
  {
    name: 'users',
    description: 'Administration: users, roles, team memberships, deactivation.',
  },
  { name: 'teams', description: 'Administration: teams, their members and supervisors.' },
  {
    name: 'api-clients',
    description: 'Administration: API clients (EHR integrations), their scopes and secrets.',
  },
  {
    name: 'settings',
    description: 'Administration: organization settings and follow-up cadences.',
  },
  {
    name: 'integrations',
    description:
      'Inbound from EHR and treatment systems: discharges and referrals as JSON, HL7 v2 ADT messages (answered with an ACK).',
  },
  {
    name: 'webhooks',
    description:
      'Outbound events to integrators, signed per Standard Webhooks, with retries and a delivery log.',
  },
  {
    name: 'audit',
    description: 'The audit log (append-only, hash-chained): search and chain verification.',
  },
  { name: 'health', description: 'Liveness, readiness and Prometheus metrics.' },
];
