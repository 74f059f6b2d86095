import {
  certificationStatus,
  DEFAULT_RENEWAL_RULE,
  renewalProgress,
  renewalRuleOf,
} from './renewal';

describe('renewal', () => {
  it('should count only hours inside the two years before the latest expiry', () => {
    const sut = renewalProgress(DEFAULT_RENEWAL_RULE, '2027-06-30', [
      { hours: 14, category: 'general', completedOn: '2025-06-30' },
      { hours: 14, category: 'general', completedOn: '2025-07-01' },
      { hours: 6, category: 'ethics', completedOn: '2027-06-30' },
      { hours: 3, category: 'ethics', completedOn: '2027-07-01' },
    ]);
    expect(sut).toMatchObject({
      cycleStart: '2025-06-30',
      earnedHours: 20,
      earnedEthicsHours: 6,
      status: 'met',
    });
  });

  it('should stay in progress when the ethics hours are short even if the total is met', () => {
    const sut = renewalProgress(DEFAULT_RENEWAL_RULE, '2027-06-30', [
      { hours: 25, category: 'general', completedOn: '2026-01-01' },
    ]);
    expect(sut).toMatchObject({
      remainingHours: 0,
      remainingEthicsHours: 6,
      status: 'in_progress',
    });
  });

  it('should take the organization’s rule and ignore nonsense values', () => {
    expect(
      renewalRuleOf({ ceRequiredHours: 30, ceRequiredEthicsHours: 'x', ceCycleYears: 3 }),
    ).toEqual({
      requiredHours: 30,
      requiredEthicsHours: 6,
      cycleYears: 3,
    });
    expect(renewalProgress(DEFAULT_RENEWAL_RULE, null, []).status).toBe('no_certification');
  });

  it('should call a credential expiring within 60 days, expired after its date', () => {
    expect(certificationStatus(null, '2026-01-01')).toBe('none');
    expect(certificationStatus('2025-12-31', '2026-01-01')).toBe('expired');
    expect(certificationStatus('2026-01-01', '2026-01-01')).toBe('expiring');
    expect(certificationStatus('2026-03-02', '2026-01-01')).toBe('expiring');
    expect(certificationStatus('2026-03-03', '2026-01-01')).toBe('active');
  });
});
