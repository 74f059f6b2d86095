/**
 * The fixed ids of the demo records the API documentation's examples name: every path parameter
 * in /docs and openapi.yaml has one of these as its example (src/bootstrap/openapi-examples.ts),
 * so "Try it out" works against the demo data. The seed inserts these records with these ids
 * (a database seeded before they existed keeps its random ones); every other demo row gets a
 * random id. Valid v4-shaped UUIDs, as the API's validation asks; the digits group by kind.
 */
export const DEMO_IDS = {
  users: {
    'admin@demo.test': 'de300000-0000-4000-8000-000000000101',
    'supervisor@demo.test': 'de300000-0000-4000-8000-000000000102',
    'supervisor2@demo.test': 'de300000-0000-4000-8000-000000000103',
    'peer1@demo.test': 'de300000-0000-4000-8000-000000000104',
    'peer2@demo.test': 'de300000-0000-4000-8000-000000000105',
    'peer3@demo.test': 'de300000-0000-4000-8000-000000000106',
  } as Readonly<Record<string, string>>,
  teams: {
    North: 'de300000-0000-4000-8000-000000000111',
    South: 'de300000-0000-4000-8000-000000000112',
  },
  /** peer1's CPRS credential */
  certification: 'de300000-0000-4000-8000-000000000121',
  /** Juniper Demoworth (P1-01), first on peer1's caseload */
  client: 'de300000-0000-4000-8000-000000000201',
  /** peer2 covering Juniper during peer1's leave next week */
  coverage: 'de300000-0000-4000-8000-000000000202',
  /** Juniper's Part 2 consent to the demo API client */
  consent: 'de300000-0000-4000-8000-000000000203',
  /** Juniper's first session note, signed */
  signedNote: 'de300000-0000-4000-8000-000000000301',
  /** yesterday's call with Juniper, a draft (to edit and sign) */
  draftNote: 'de300000-0000-4000-8000-000000000302',
  /** peer1's peer support group, a draft */
  groupSession: 'de300000-0000-4000-8000-000000000303',
  recoveryPlan: 'de300000-0000-4000-8000-000000000311',
  goal: 'de300000-0000-4000-8000-000000000312',
  /** the warm hand-off after Juniper's discharge */
  followUp: 'de300000-0000-4000-8000-000000000401',
  /** peer1's reminder of that warm hand-off */
  notification: 'de300000-0000-4000-8000-000000000402',
  /** Harbor Light Recovery Residences */
  resource: 'de300000-0000-4000-8000-000000000411',
  /** Juniper's referral to Harbor Light */
  referralOut: 'de300000-0000-4000-8000-000000000412',
  apiClient: 'de300000-0000-4000-8000-000000000501',
  /** the demo API client's webhook, switched off after a failed delivery */
  webhook: 'de300000-0000-4000-8000-000000000502',
  webhookDelivery: 'de300000-0000-4000-8000-000000000503',
} as const;

/**
 * SQL for a seeded row's id: the fixed demo id bound as `param` while no row of `table` holds it,
 * else (or when `param` is null) a random one. A record changed through the API (a team renamed,
 * a credential expired) may be seeded again, and must not collide with the first.
 */
export const demoIdWhileFree = (table: string, param: string): string =>
  `coalesce(CASE WHEN EXISTS (SELECT 1 FROM ${table} WHERE id = ${param}::uuid) THEN NULL ELSE ${param}::uuid END, gen_random_uuid())`;
