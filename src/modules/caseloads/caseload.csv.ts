import { columnsOf } from '../../common/csv/csv';
import { CaseloadSummaryResponse } from './dto/caseload.response';

/** The caseload summary export's columns: the JSON read's fields, in order (a stable header). */
export const CASELOAD_CSV_COLUMNS = columnsOf<CaseloadSummaryResponse>([
  'specialistId',
  'firstName',
  'lastName',
  'active',
  'activeClients',
  'caseloadCap',
  'noContact14Days',
  'overdueFollowUps',
  'followUpCompletionRate',
  'unsignedNotesOver72Hours',
  'notesAwaitingReview',
  'plansPastReview',
  'certificationStatus',
  'credential',
  'certificationExpiresOn',
]);
