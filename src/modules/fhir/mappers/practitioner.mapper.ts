import type { Practitioner } from '@medplum/fhirtypes';

import { mayDisclose } from '../../../auth/access/consent.sql';
import { Permission } from '../../../auth/permissions';
import { defineResource } from '../fhir-resource';
import { part2Meta } from '../fhir-labels';

interface PractitionerRow {
  id: string;
  firstName: string;
  lastName: string;
  active: boolean;
  updatedAt: Date;
}

/**
 * `app_user` -> Practitioner: only the peer specialists of the organization who are the primary
 * specialist of a client the API client may see (demographics): the ones its Patients'
 * `generalPractitioner` names. Other staff, and who works for the program at all, are not
 * disclosed (minimum necessary).
 */
export const practitionerResource = defineResource<Practitioner, PractitionerRow>({
  type: 'Practitioner',
  permission: Permission.FhirPractitionerRead,
  documentation:
    'A peer recovery specialist who is the primary specialist of a Patient this API client may read.',
  from: 'app_user r',
  id: 'r.id',
  categories: null,
  visible: (recipient, org) =>
    `r.organization_id = ${org} AND r.role = 'peer_specialist' AND EXISTS (SELECT 1 FROM client pc
      WHERE pc.primary_specialist_id = r.id AND pc.organization_id = ${org} AND pc.deleted_at IS NULL
        AND ${mayDisclose(recipient, 'pc.id', `ARRAY['demographics']`)})`,
  columns: `r.id AS id, r.first_name AS "firstName", r.last_name AS "lastName", r.active AS active,
    r.updated_at AS "updatedAt"`,
  searchParams: [],
  toResource: (r) => ({
    resourceType: 'Practitioner',
    id: r.id,
    meta: part2Meta(r.updatedAt),
    active: r.active,
    name: [{ use: 'official', family: r.lastName, given: [r.firstName] }],
    qualification: [
      {
        code: {
          text: 'Certified Peer Recovery Specialist',
        },
      },
    ],
  }),
});
