import fc from 'fast-check';

import { barc10Trend, scoreBarc10 } from './barc10';

describe('scoreBarc10', () => {
  it('should total ten answers', () => {
    expect(scoreBarc10([1, 2, 3, 4, 5, 6, 1, 2, 3, 4])).toEqual({
      total: 31,
      atOrAboveRemissionThreshold: false,
    });
  });

  it('should score the minimum 10 and the maximum 60', () => {
    expect(scoreBarc10(Array(10).fill(1)).total).toBe(10);
    expect(scoreBarc10(Array(10).fill(6))).toEqual({
      total: 60,
      atOrAboveRemissionThreshold: true,
    });
  });

  it('should put 47 at the remission threshold and 46 below it', () => {
    expect(scoreBarc10([5, 5, 5, 5, 5, 5, 5, 4, 4, 4])).toEqual({
      total: 47,
      atOrAboveRemissionThreshold: true,
    });
    expect(scoreBarc10([5, 5, 5, 5, 5, 5, 4, 4, 4, 4])).toEqual({
      total: 46,
      atOrAboveRemissionThreshold: false,
    });
  });

  it('should throw when there are not exactly ten answers', () => {
    expect(() => scoreBarc10(Array(9).fill(3))).toThrow(RangeError);
    expect(() => scoreBarc10(Array(11).fill(3))).toThrow(RangeError);
  });

  it('should throw on an answer outside 1..6 or not an integer', () => {
    expect(() => scoreBarc10([0, 3, 3, 3, 3, 3, 3, 3, 3, 3])).toThrow(RangeError);
    expect(() => scoreBarc10([7, 3, 3, 3, 3, 3, 3, 3, 3, 3])).toThrow(RangeError);
    expect(() => scoreBarc10([2.5, 3, 3, 3, 3, 3, 3, 3, 3, 3])).toThrow(RangeError);
  });

  it('should always total between 10 and 60 and flag exactly totals of 47 or more', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 10, maxLength: 10 }),
        (answers) => {
          const { total, atOrAboveRemissionThreshold } = scoreBarc10(answers);
          expect(total).toBeGreaterThanOrEqual(10);
          expect(total).toBeLessThanOrEqual(60);
          expect(atOrAboveRemissionThreshold).toBe(total >= 47);
        },
      ),
    );
  });
});

describe('barc10Trend', () => {
  it('should give the change from the previous and from the first total', () => {
    expect(barc10Trend([30, 38, 35])).toEqual([
      { total: 30, changeFromPrevious: null, changeFromFirst: 0 },
      { total: 38, changeFromPrevious: 8, changeFromFirst: 8 },
      { total: 35, changeFromPrevious: -3, changeFromFirst: 5 },
    ]);
  });

  it('should be empty without assessments', () => {
    expect(barc10Trend([])).toEqual([]);
  });
});
