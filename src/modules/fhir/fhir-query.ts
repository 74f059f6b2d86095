import { consentedClientIds, disclosableConsent } from '../../auth/access/consent.sql';
import { ApiClientPrincipal } from '../../auth/principal';
import { FhirResourceDefinition } from './fhir-resource';
import { SqlArgs } from './fhir-search';

/**
 * The one statement that reads rows of a resource type for an API client: the definition's FROM
 * and columns, the organization, the Part 2 consent (client-bound types: a LATERAL join that
 * yields the consent each row is disclosed under, so no row without one) or the type's own
 * visibility rule, the search predicates, keyset and limit.
 */
export function selectRows(
  def: FhirResourceDefinition,
  principal: ApiClientPrincipal,
  args: SqlArgs,
  predicates: readonly string[],
  limit: number,
): string {
  const recipient = `${args.add(principal.id)}::uuid`;
  const org = `${args.add(principal.organizationId)}::uuid`;
  const where: string[] = [];
  let join = '';
  let own = `NULL::uuid AS "_clientId", NULL::uuid AS "_consentId", NULL::text AS "_purpose",
    NULL::text[] AS "_categories"`;
  if (def.categories) {
    const categories = `${args.add([...def.categories])}::text[]`;
    join = `JOIN LATERAL (${disclosableConsent(recipient, 'c.id', categories)}) k ON true`;
    where.push(
      `c.organization_id = ${org}`,
      'c.deleted_at IS NULL',
      `c.id IN (${consentedClientIds(recipient)})`,
    );
    own = `c.id AS "_clientId", k.consent_id AS "_consentId", k.purpose AS "_purpose",
      k.categories AS "_categories"`;
  } else if (def.visible) {
    where.push(def.visible(recipient, org));
  } else {
    where.push('false');
  }
  if (def.where) where.push(def.where(recipient));
  where.push(...predicates);
  return `SELECT ${def.columns}, ${def.id}::text AS "_key", ${own}
    FROM ${def.from} ${join}
    WHERE ${where.map((w) => `(${w})`).join(' AND ')}
    ORDER BY ${def.id} LIMIT ${limit}`;
}
