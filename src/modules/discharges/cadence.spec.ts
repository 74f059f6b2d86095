import { defaultCadence, planFollowUps, startOfNextUtcDay } from './cadence';

describe('follow-up cadence', () => {
  const dischargedAt = new Date('2026-11-20T15:30:00Z');

  it('should plan the SPEC 7 default when the level of care is high intensity', () => {
    const sut = planFollowUps(
      'emergency_department',
      dischargedAt,
      defaultCadence('emergency_department'),
    );
    expect(sut.map((f) => [f.label, f.kind, f.dueAt.toISOString()])).toEqual([
      ['warm-handoff', 'contact', '2026-11-21T15:30:00.000Z'],
      ['day-2', 'contact', '2026-11-22T15:30:00.000Z'],
      ['day-7', 'contact', '2026-11-27T15:30:00.000Z'],
      ['day-14', 'contact', '2026-12-04T15:30:00.000Z'],
      ['day-30', 'contact', '2026-12-20T15:30:00.000Z'],
      ['day-60', 'contact', '2027-01-19T15:30:00.000Z'],
      ['day-90', 'contact', '2027-02-18T15:30:00.000Z'],
      ['barc10-day-30', 'assessment', '2026-12-20T15:30:00.000Z'],
    ]);
  });

  it('should open the warm hand-off window at discharge when the care was an ED visit (FUA)', () => {
    const [handoff] = planFollowUps(
      'emergency_department',
      dischargedAt,
      defaultCadence('emergency_department'),
    );
    expect(handoff.windowStart.toISOString()).toBe('2026-11-20T15:30:00.000Z');
    expect(handoff.windowEnd.toISOString()).toBe('2026-11-21T15:30:00.000Z');
  });

  it('should open contact windows the next day when the care was FUI (discharge date does not count)', () => {
    for (const level of ['withdrawal_management', 'inpatient', 'residential'] as const) {
      const [handoff] = planFollowUps(level, dischargedAt, defaultCadence(level));
      expect(handoff.windowStart.toISOString()).toBe('2026-11-21T00:00:00.000Z');
      expect(handoff.dueAt.toISOString()).toBe('2026-11-21T15:30:00.000Z');
    }
  });

  it('should keep dueAt inside its window when any discharge instant is planned', () => {
    for (const level of ['withdrawal_management', 'emergency_department', 'outpatient'] as const) {
      for (const iso of ['2026-11-20T00:00:00Z', '2026-11-20T23:59:59Z', '2026-03-08T12:00:00Z']) {
        for (const f of planFollowUps(level, new Date(iso), defaultCadence(level))) {
          expect(f.windowStart.getTime()).toBeLessThanOrEqual(f.dueAt.getTime());
          expect(f.dueAt.getTime()).toBeLessThanOrEqual(f.windowEnd.getTime());
        }
      }
    }
  });

  it('should plan a lighter cadence without a hand-off when stepping down from IOP or outpatient', () => {
    expect(defaultCadence('intensive_outpatient').map((s) => s.label)).toEqual([
      'day-2',
      'day-7',
      'day-30',
      'day-90',
      'barc10-day-30',
    ]);
    expect(defaultCadence('outpatient')).toEqual(defaultCadence('intensive_outpatient'));
  });

  it('should give the next UTC midnight when asked for the day after an instant', () => {
    expect(startOfNextUtcDay(new Date('2026-12-31T23:59:59Z')).toISOString()).toBe(
      '2027-01-01T00:00:00.000Z',
    );
  });
});
