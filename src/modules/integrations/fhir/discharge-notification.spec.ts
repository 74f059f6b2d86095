import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { Bundle } from '@medplum/fhirtypes';

import { fhirValidationIssues, FhirRequestRejected } from '../../fhir/fhir-validator';
import { readDischargeNotification } from './discharge-notification';

// The README's example message, as an integrator copies it.
function readmeExample(): Bundle {
  const readme = readFileSync(join(__dirname, '../../../../README.md'), 'utf8');
  const start = readme.indexOf("'http://localhost:3000/fhir/$process-message' -d '");
  const body = readme.slice(
    readme.indexOf("-d '", start) + 4,
    readme.indexOf("}'\n```", start) + 1,
  );
  return JSON.parse(body) as Bundle;
}

describe('readDischargeNotification', () => {
  it("should read the README's example, which is valid FHIR R4", () => {
    const bundle = readmeExample();
    expect(fhirValidationIssues(bundle)).toEqual([]);
    expect(readDischargeNotification(bundle)).toEqual({
      messageId: 'msg-20261201-0001',
      event: {
        system: 'http://hl7.org/fhir/us/davinci-alerts/CodeSystem/notification-event',
        code: 'notification-discharge',
      },
      person: {
        identifiers: [{ system: 'urn:oid:2.16.840.1.113883.19.5', value: 'MRN123' }],
        firstName: 'Jane',
        lastName: 'Doe',
        dateOfBirth: '1988-03-04',
      },
      discharge: {
        facility: 'Riverside Detox',
        levelOfCare: 'withdrawal_management',
        admittedAt: '2026-11-25T14:00:00Z',
        dischargedAt: '2026-12-01T13:00:00Z',
        disposition: 'home',
        planned: true,
      },
    });
  }, 30_000);

  it.each([
    ['EMER', 'emergency_department'],
    ['IMP', 'inpatient'],
    ['ACUTE', 'inpatient'],
    ['NONAC', 'inpatient'],
    ['AMB', 'outpatient'],
  ])('should map Encounter.class %s to %s without a substance-use service', (code, level) => {
    const bundle = readmeExample();
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const e = bundle.entry![1].resource as any;
    delete e.serviceType;
    e.class.code = code;
    expect(readDischargeNotification(bundle).discharge.levelOfCare).toBe(level);
  });

  it('should take the admission as the discharge instant without period.start, and the sender without serviceProvider', () => {
    const bundle = readmeExample();
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const e = bundle.entry![1].resource as any;
    delete e.period.start;
    delete e.serviceProvider;
    delete e.hospitalization;
    const { discharge } = readDischargeNotification(bundle);
    expect(discharge.admittedAt).toBe('2026-12-01T13:00:00Z');
    expect(discharge.facility).toBe('Riverside Detox');
    expect(discharge.disposition).toBeUndefined();
    expect(discharge.planned).toBe(true);
  });

  it('should refuse a message whose MessageHeader has no id, naming the path', () => {
    const bundle = readmeExample();
    delete bundle.entry![0].resource!.id;
    let caught: unknown;
    try {
      readDischargeNotification(bundle);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(FhirRequestRejected);
    expect((caught as FhirRequestRejected).outcome.issue[0].expression).toEqual([
      'Bundle.entry[0].resource.id',
    ]);
  });
});
