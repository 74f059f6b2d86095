/** Days of the week in ISO order (Monday = 1), as Postgres' `extract(isodow ...)` counts them. */
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** One opening period: `closes` at or before `opens` runs past midnight into the next day. */
export interface OpeningPeriod {
  day: Weekday;
  opens: string;
  closes: string;
}

/** `HH:MM`, 00:00-23:59, or 24:00 (end of the day) for a closing time. */
export const TIME_PATTERN = /^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/;

const PERIOD = /^(mon|tue|wed|thu|fri|sat|sun)\s+(\d{2}:\d{2})-(\d{2}:\d{2})$/;

/** `mon 09:00-17:00; sat 10:00-14:00` (the CSV form) from periods. */
export function formatHours(periods: readonly OpeningPeriod[]): string {
  return periods.map((p) => `${p.day} ${p.opens}-${p.closes}`).join('; ');
}

/** Periods from the CSV form; undefined when any part is malformed. Empty text: no hours. */
export function parseHours(text: string): OpeningPeriod[] | undefined {
  const parts = text
    .split(';')
    .map((p) => p.trim().toLowerCase())
    .filter((p) => p !== '');
  const periods: OpeningPeriod[] = [];
  for (const part of parts) {
    const m = PERIOD.exec(part);
    if (!m || !TIME_PATTERN.test(m[2]) || !TIME_PATTERN.test(m[3]) || m[2] === '24:00') {
      return undefined;
    }
    periods.push({ day: m[1] as Weekday, opens: m[2], closes: m[3] });
  }
  return periods;
}

/**
 * SQL: is resource alias `r` open at the instant `$now` in time zone `$tz`? Evaluated per row in
 * SQL so "open now" filters before paging. A period whose closing time is at or before its opening
 * time runs past midnight: it is open after `opens` on its day and before `closes` the next day.
 */
export function openNowSql(alias: string, nowParam: string, tzParam: string): string {
  const local = `(${nowParam}::timestamptz AT TIME ZONE ${tzParam})`;
  const dow = `extract(isodow FROM ${local})::int`;
  const t = `${local}::time`;
  const day = `array_position(ARRAY['mon','tue','wed','thu','fri','sat','sun'], h.day)`;
  return `EXISTS (SELECT 1 FROM jsonb_to_recordset(${alias}.hours) AS h(day text, opens text, closes text)
    WHERE (h.opens::time < h.closes::time AND ${day} = ${dow} AND ${t} >= h.opens::time AND ${t} < h.closes::time)
       OR (h.closes::time <= h.opens::time AND ((${day} = ${dow} AND ${t} >= h.opens::time)
           OR (${day} = ${dow} - 1 + CASE WHEN ${dow} = 1 THEN 7 ELSE 0 END AND ${t} < h.closes::time))))`;
}
