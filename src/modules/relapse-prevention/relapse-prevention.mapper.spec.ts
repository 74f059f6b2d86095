import { PutRelapsePreventionPlanDto } from './dto/relapse-prevention-plan.dto';
import { toContent, toVersionResponse } from './relapse-prevention.mapper';
import { DEFAULT_CRISIS_CONTACTS, DEFAULT_CRISIS_STEPS } from './relapse-plan-content';

describe('relapse-prevention plan mapper', () => {
  it('should store every list, empty when omitted, and 988 as the crisis default when nothing is given', () => {
    const sut = toContent({} as PutRelapsePreventionPlanDto);
    expect(sut).toEqual({
      triggers: [],
      warningSigns: [],
      copingStrategies: [],
      peopleToCall: [],
      helpfulPlaces: [],
      crisisSteps: DEFAULT_CRISIS_STEPS,
      crisisContacts: DEFAULT_CRISIS_CONTACTS,
      reasonsForRecovery: [],
    });
    expect(sut.crisisContacts[0].phone).toBe('988');
  });

  it('should keep the caller’s crisis lists, even empty ones, and fill optional fields with null', () => {
    const sut = toContent({
      crisisSteps: [],
      crisisContacts: [{ name: 'Mobile crisis', phone: '+1-555-0199' }],
      peopleToCall: [{ name: 'Dana' }],
      helpfulPlaces: [{ name: 'Park' }],
    } as PutRelapsePreventionPlanDto);
    expect(sut.crisisSteps).toEqual([]);
    expect(sut.crisisContacts).toEqual([{ name: 'Mobile crisis', phone: '+1-555-0199' }]);
    expect(sut.peopleToCall).toEqual([
      { name: 'Dana', relationship: null, phone: null, when: null },
    ]);
    expect(sut.helpfulPlaces).toEqual([{ name: 'Park', kind: 'place', details: null }]);
  });

  it('should answer only the whitelisted content fields of a stored version', () => {
    const content = { ...toContent({} as PutRelapsePreventionPlanDto), extra: 'not for callers' };
    const sut = toVersionResponse({
      planId: 'p',
      clientId: 'c',
      version: 1,
      content,
      authorId: 'a',
      reviewedOn: null,
      reviewedById: null,
      createdAt: new Date('2026-01-01T00:00:00Z'),
    });
    expect(sut).not.toHaveProperty('extra');
    expect(sut.createdAt).toBe('2026-01-01T00:00:00.000Z');
  });
});
