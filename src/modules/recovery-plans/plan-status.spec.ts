import { canMovePlan, isPlanClosed, PLAN_STATUSES, PlanStatus } from './plan-status';

describe('canMovePlan', () => {
  const allowed: [PlanStatus, PlanStatus][] = [
    ['draft', 'active'],
    ['draft', 'revoked'],
    ['active', 'on-hold'],
    ['active', 'completed'],
    ['active', 'revoked'],
    ['on-hold', 'active'],
    ['on-hold', 'completed'],
    ['on-hold', 'revoked'],
  ];

  it('should allow exactly the legal transitions and staying put', () => {
    for (const from of PLAN_STATUSES) {
      for (const to of PLAN_STATUSES) {
        const expected = from === to || allowed.some(([f, t]) => f === from && t === to);
        expect({ from, to, ok: canMovePlan(from, to) }).toEqual({ from, to, ok: expected });
      }
    }
  });

  it('should refuse to reopen a completed or revoked plan', () => {
    expect(canMovePlan('completed', 'active')).toBe(false);
    expect(canMovePlan('revoked', 'draft')).toBe(false);
  });

  it('should refuse to return an active plan to draft', () => {
    expect(canMovePlan('active', 'draft')).toBe(false);
  });
});

describe('isPlanClosed', () => {
  it('should be true only for completed and revoked', () => {
    expect(PLAN_STATUSES.filter(isPlanClosed)).toEqual(['completed', 'revoked']);
  });
});
