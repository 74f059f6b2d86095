import { billingUnits, durationMinutes, noteBillingUnits } from './billing';
import { ContactType } from './session-note.enums';

describe('billing', () => {
  it.each([
    [0, 0],
    [7, 0],
    [8, 1],
    [15, 1],
    [22, 1],
    [23, 2],
    [37, 2],
    [38, 3],
    [60, 4],
    [67, 4],
    [68, 5],
  ])(
    'should bill %i minutes as %i H0038 units when the 8-minute rule applies',
    (minutes, units) => {
      expect(billingUnits(minutes)).toBe(units);
    },
  );

  it('should bill nothing when minutes are negative or not a number', () => {
    expect(billingUnits(-5)).toBe(0);
    expect(billingUnits(Number.NaN)).toBe(0);
  });

  it('should bill nothing when the contact was an outreach attempt', () => {
    expect(noteBillingUnits(ContactType.OutreachAttempt, 30)).toBe(0);
    expect(noteBillingUnits(ContactType.Phone, 30)).toBe(2);
  });

  it('should count whole minutes when the period has seconds', () => {
    expect(
      durationMinutes(new Date('2026-01-01T10:00:00Z'), new Date('2026-01-01T10:22:59Z')),
    ).toBe(22);
    expect(
      durationMinutes(new Date('2026-01-01T10:00:00Z'), new Date('2026-01-01T09:00:00Z')),
    ).toBe(0);
  });
});
