/**
 * 42 CFR Part 2 at disclosure time (SPEC 8), in one place: an API client sees a client only under
 * a consent that names it as recipient, is effective, not expired, not revoked, covers the purpose
 * the API client was registered for and covers the data category asked for. Anything else: the
 * client does not exist for it. Checked in SQL at each request (never cached in a token), so
 * expiry and revocation bite at once. The FHIR facade, the access service and webhook delivery
 * all compose these fragments; none spells the rule itself.
 */

/** The data categories a consent lists (SPEC 8). */
export const DATA_CATEGORIES = [
  'demographics',
  'plans-goals',
  'follow-ups',
  'assessments',
  'session-notes',
] as const;
export type DataCategory = (typeof DATA_CATEGORIES)[number];

/** The disclosure purposes a consent lists and an API client is registered for. */
export const DISCLOSURE_PURPOSES = ['treatment', 'payment', 'operations', 'research'] as const;
export type DisclosurePurpose = (typeof DISCLOSURE_PURPOSES)[number];

/** A consent row `k` in force now: effective, not expired, not revoked. */
export const consentInForce = (k: string): string =>
  `${k}.revoked_at IS NULL AND ${k}.effective_at <= now() AND ${k}.expires_at > now()`;

/**
 * The consent (one row: `consent_id`, `purpose`, `categories`) under which the API client
 * `recipient` may see the client `client` now for any of the categories `categories` (a
 * `text[]` expression), or no row. Use it in `JOIN LATERAL (...) alias ON true` to get the
 * consent a disclosure is made under, or in `EXISTS (...)`. Among several consents in force,
 * the one that lasts longest is chosen (then the newest), so the choice is stable.
 * The arguments are SQL expressions (`$1`, `:recipientId`, `c.id`), never values.
 */
export const disclosableConsent = (recipient: string, client: string, categories: string): string =>
  `SELECT k.id AS consent_id, a.purpose AS purpose, k.categories AS categories
    FROM consent k JOIN api_client a ON a.id = k.recipient_id
    WHERE k.client_id = ${client} AND k.recipient_id = ${recipient}
      AND a.active AND k.organization_id = a.organization_id
      AND ${consentInForce('k')} AND a.purpose = ANY (k.purposes)
      AND k.categories && (${categories})::text[]
    ORDER BY k.expires_at DESC, k.id DESC LIMIT 1`;

/**
 * The ids of the clients with a consent in force naming `recipient` (any purpose or category): a
 * superset of those it may see, cheap to find by index (`consent_recipient_idx`), so that a search
 * starts from the recipient's consents instead of probing every client of the organization.
 */
export const consentedClientIds = (recipient: string): string =>
  `SELECT kr.client_id FROM consent kr WHERE kr.recipient_id = ${recipient} AND ${consentInForce('kr')}`;

/** True when the API client `recipient` may see client `client` now for a category of `categories`. */
export const mayDisclose = (recipient: string, client: string, categories: string): string =>
  `EXISTS (${disclosableConsent(recipient, client, categories)})`;

/**
 * Set-based: for the client ids `clientIds` (a `uuid[]` expression), those the API client
 * `recipient` may see now for a category of `categories`, one row each with the consent
 * (`client_id`, `consent_id`, `purpose`, `categories`). One statement for a whole list.
 */
export const disclosableClients = (
  recipient: string,
  clientIds: string,
  categories: string,
): string =>
  `SELECT ids.client_id, d.consent_id, d.purpose, d.categories
    FROM unnest((${clientIds})::uuid[]) AS ids(client_id)
    JOIN LATERAL (${disclosableConsent(recipient, 'ids.client_id', categories)}) d ON true`;
