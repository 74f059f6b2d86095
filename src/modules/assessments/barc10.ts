/** Brief Assessment of Recovery Capital: ten items, each 1 (strongly disagree) to 6 (strongly agree). */
export const BARC10_ITEMS = 10;
export const BARC10_MIN_ANSWER = 1;
export const BARC10_MAX_ANSWER = 6;
// Vilsaint et al., 2017: a total of 47 or more discriminates sustained remission.
export const BARC10_REMISSION_THRESHOLD = 47;

export interface Barc10Score {
  total: number;
  atOrAboveRemissionThreshold: boolean;
}

function isValidAnswer(answer: unknown): answer is number {
  return (
    Number.isInteger(answer) &&
    (answer as number) >= BARC10_MIN_ANSWER &&
    (answer as number) <= BARC10_MAX_ANSWER
  );
}

/**
 * The BARC-10 total (10..60). The instrument is unidimensional: there are no sub-scores. Throws
 * on anything but ten integers 1..6, so a bad score can never be stored.
 */
export function scoreBarc10(answers: readonly number[]): Barc10Score {
  if (answers.length !== BARC10_ITEMS || !answers.every(isValidAnswer)) {
    throw new RangeError('BARC-10 needs exactly ten answers, each an integer from 1 to 6');
  }
  const total = answers.reduce((sum, a) => sum + a, 0);
  return { total, atOrAboveRemissionThreshold: isAtOrAboveRemissionThreshold(total) };
}

export function isAtOrAboveRemissionThreshold(total: number): boolean {
  return total >= BARC10_REMISSION_THRESHOLD;
}

export interface TrendPoint {
  total: number;
  changeFromPrevious: number | null;
  changeFromFirst: number;
}

/** Totals in administration order, each with its change from the previous and from the first. */
export function barc10Trend(totalsOldestFirst: readonly number[]): TrendPoint[] {
  const first = totalsOldestFirst[0];
  return totalsOldestFirst.map((total, i) => ({
    total,
    changeFromPrevious: i === 0 ? null : total - totalsOldestFirst[i - 1],
    changeFromFirst: total - first,
  }));
}
