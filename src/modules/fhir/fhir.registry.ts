import { FhirResourceDefinition } from './fhir-resource';
import { carePlanResource } from './mappers/care-plan.mapper';
import { consentResource } from './mappers/consent.mapper';
import { encounterResource } from './mappers/encounter.mapper';
import { goalResource } from './mappers/goal.mapper';
import { observationResource } from './mappers/observation.mapper';
import { patientResource } from './mappers/patient.mapper';
import { practitionerResource } from './mappers/practitioner.mapper';
import { questionnaireResponseResource } from './mappers/questionnaire-response.mapper';
import { taskResource } from './mappers/task.mapper';

/**
 * Every resource type of the facade, declared once: the routes serve these, the search engine
 * reads their SQL and parameters, /metadata lists them. Add a type here and nowhere else.
 */
export const FHIR_RESOURCES: readonly FhirResourceDefinition[] = [
  patientResource,
  practitionerResource,
  carePlanResource,
  goalResource,
  encounterResource,
  taskResource,
  questionnaireResponseResource,
  observationResource,
  consentResource,
];

export function fhirResource(type: string): FhirResourceDefinition | undefined {
  return FHIR_RESOURCES.find((d) => d.type === type);
}
