import { expandScopes, grantScopes, SYSTEM_READ_SCOPES } from './permissions';

describe('API client scopes', () => {
  it('should list every concrete system read scope, and not the wildcard', () => {
    expect(SYSTEM_READ_SCOPES).toEqual([
      'system/Patient.read',
      'system/Practitioner.read',
      'system/CarePlan.read',
      'system/Goal.read',
      'system/Encounter.read',
      'system/Task.read',
      'system/Observation.read',
      'system/QuestionnaireResponse.read',
      'system/Consent.read',
    ]);
  });

  it('should expand system/*.read and keep the other scopes', () => {
    expect([...expandScopes(['system/*.read', 'discharges:write'])]).toEqual([
      ...SYSTEM_READ_SCOPES,
      'discharges:write',
    ]);
  });

  it.each([
    [['system/Patient.read'], ['system/*.read'], ['system/Patient.read']],
    [
      ['system/*.read'],
      ['system/Goal.read', 'system/Patient.read'],
      ['system/Patient.read', 'system/Goal.read'],
    ],
    [['system/*.read', 'referrals:write'], ['system/*.read'], SYSTEM_READ_SCOPES],
    [['referrals:write'], ['discharges:write'], []],
    [
      ['system/Task.read', 'discharges:write'],
      ['system/Task.read', 'discharges:write'],
      ['system/Task.read', 'discharges:write'],
    ],
  ])('should grant %j registered %j as %j', (asked, registered, granted) => {
    expect(grantScopes(asked, registered)).toEqual(granted);
  });
});
