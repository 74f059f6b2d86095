import type { ContactPoint, HumanName, Identifier, Patient } from '@medplum/fhirtypes';

import { Permission } from '../../../auth/permissions';
import { alternatives, dateParam, SearchParamDefinition } from '../fhir-search';
import { defineResource } from '../fhir-resource';
import { part2Meta } from '../fhir-labels';

interface PatientRow {
  id: string;
  firstName: string;
  lastName: string;
  preferredName: string | null;
  birthDate: string;
  email: string | null;
  phone: string | null;
  status: 'referred' | 'active' | 'inactive' | 'closed';
  primarySpecialistId: string | null;
  updatedAt: Date;
  identifiers: { system: string; value: string }[];
}

// `identifier=system|value`, `|value` (no system), `value` (any system) or `system|` (any value).
const identifierParam: SearchParamDefinition = {
  name: 'identifier',
  type: 'token',
  documentation:
    'A business identifier: system|value (e.g. urn:medicaid|MCD-1), |value, value or system|',
  definition: 'http://hl7.org/fhir/SearchParameter/Patient-identifier',
  where(value, args) {
    const ors = alternatives(value).map((token) => {
      const bar = token.indexOf('|');
      if (bar < 0) return `i.value = ${args.add(token)}`;
      const system = token.slice(0, bar);
      const code = token.slice(bar + 1);
      const parts = [system ? `i.system = ${args.add(system)}` : 'true'];
      if (code) parts.push(`i.value = ${args.add(code)}`);
      return `(${parts.join(' AND ')})`;
    });
    return `EXISTS (SELECT 1 FROM client_identifier i WHERE i.client_id = c.id AND (${ors.join(' OR ')}))`;
  },
};

// FHIR string search: case-insensitive, starting with the value, on any part of any name.
const nameParam: SearchParamDefinition = {
  name: 'name',
  type: 'string',
  documentation: 'Starts a given, family or preferred name (case-insensitive); commas match any',
  definition: 'http://hl7.org/fhir/SearchParameter/Patient-name',
  where(value, args) {
    const ors = alternatives(value).map((v) => {
      const p = args.add(v.toLowerCase());
      return `starts_with(lower(c.first_name), ${p}) OR starts_with(lower(c.last_name), ${p})
        OR starts_with(lower(coalesce(c.preferred_name, '')), ${p})`;
    });
    return ors.map((o) => `(${o})`).join(' OR ');
  },
};

function names(r: PatientRow): HumanName[] {
  const official: HumanName = { use: 'official', family: r.lastName, given: [r.firstName] };
  if (!r.preferredName) return [official];
  return [official, { use: 'usual', family: r.lastName, given: [r.preferredName] }];
}

function telecom(r: PatientRow): ContactPoint[] | undefined {
  const points: ContactPoint[] = [];
  if (r.phone) points.push({ system: 'phone', value: r.phone });
  if (r.email) points.push({ system: 'email', value: r.email });
  return points.length > 0 ? points : undefined;
}

/** `client` -> Patient (category `demographics`). */
export const patientResource = defineResource<Patient, PatientRow>({
  type: 'Patient',
  permission: Permission.FhirPatientRead,
  documentation: 'A client of the peer recovery program (category demographics of the consent).',
  from: 'client c',
  id: 'c.id',
  categories: ['demographics'],
  columns: `c.id AS id, c.first_name AS "firstName", c.last_name AS "lastName",
    c.preferred_name AS "preferredName", c.date_of_birth::text AS "birthDate", c.email AS email,
    c.phone AS phone, c.status AS status, c.primary_specialist_id AS "primarySpecialistId",
    c.updated_at AS "updatedAt",
    coalesce((SELECT jsonb_agg(jsonb_build_object('system', i.system, 'value', i.value)
      ORDER BY i.system, i.value) FROM client_identifier i WHERE i.client_id = c.id), '[]') AS identifiers`,
  searchParams: [
    identifierParam,
    nameParam,
    dateParam(
      'birthdate',
      `(c.date_of_birth::timestamp AT TIME ZONE 'UTC')`,
      'Date of birth: eq (default), ne, lt, gt, le, ge with a year, month or day',
      'http://hl7.org/fhir/SearchParameter/individual-birthdate',
    ),
  ],
  toResource: (r) => ({
    resourceType: 'Patient',
    id: r.id,
    meta: part2Meta(r.updatedAt),
    identifier: r.identifiers.map((i): Identifier => ({ system: i.system, value: i.value })),
    active: r.status === 'active' || r.status === 'referred',
    name: names(r),
    telecom: telecom(r),
    birthDate: r.birthDate,
    generalPractitioner: r.primarySpecialistId
      ? [{ reference: `Practitioner/${r.primarySpecialistId}` }]
      : undefined,
  }),
});
