import { CsvColumn } from '../../common/csv/csv';
import { FollowUpRateItem, FollowUpRatesResponse } from './dto/follow-up-rates.dto';

/** One line of the rates export: an item of the report, with the report's period and basis. */
export type FollowUpRateCsvRow = FollowUpRateItem &
  Pick<FollowUpRatesResponse, 'from' | 'to' | 'basis'>;

const KEYS = [
  'from',
  'to',
  'basis',
  'levelOfCare',
  'discharges',
  'within7Days',
  'within30Days',
  'rate7',
  'rate30',
] as const;

/** The follow-up rates export's columns, in order (a stable header). */
export const FOLLOW_UP_RATES_CSV_COLUMNS: CsvColumn<FollowUpRateCsvRow>[] = KEYS.map((key) => ({
  header: key,
  value: (row) => row[key],
}));
