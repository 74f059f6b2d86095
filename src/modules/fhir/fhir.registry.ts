import { FhirResourceDefinition } from './fhir-resource';
import { consentResource } from './mappers/consent.mapper';
import { patientResource } from './mappers/patient.mapper';
import { practitionerResource } from './mappers/practitioner.mapper';

/**
 * Every resource type of the facade, declared once: the routes serve these, the search engine
 * reads their SQL and parameters, /metadata lists them. Add a type here and nowhere else.
 */
export const FHIR_RESOURCES: readonly FhirResourceDefinition[] = [
  patientResource,
  practitionerResource,
  consentResource,
];

export function fhirResource(type: string): FhirResourceDefinition | undefined {
  return FHIR_RESOURCES.find((d) => d.type === type);
}
