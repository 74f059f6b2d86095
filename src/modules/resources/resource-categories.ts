/**
 * The fixed list of resource categories (issue 16), also the `need` of a referral out. Kept in
 * step with the CHECK constraints of migration 1764000013600; documented in docs/resources.md.
 */
export const RESOURCE_CATEGORIES = [
  'housing',
  'employment',
  'education',
  'mutual-aid-meeting',
  'moud-provider',
  'mental-health',
  'legal',
  'transport',
  'food',
  'childcare',
  'harm-reduction',
  'health-care',
  'benefits',
  'recovery-community',
  'other',
] as const;
export type ResourceCategory = (typeof RESOURCE_CATEGORIES)[number];
