import { columnsOf } from '../../common/csv/csv';
import { FollowUpResponse } from './dto/follow-up.dto';

/** A follow-up as its export holds it: the JSON read's fields, with the number of attempts. */
export type FollowUpCsvRow = Omit<FollowUpResponse, 'attempts'> & { attempts: number };

/** The follow-up list export's columns, in order (a stable header); `attempts` is their count. */
export const FOLLOW_UP_CSV_COLUMNS = columnsOf<FollowUpCsvRow>([
  'id',
  'clientId',
  'dischargeId',
  'kind',
  'label',
  'status',
  'dueAt',
  'windowStart',
  'windowEnd',
  'ownerId',
  'startedAt',
  'completedAt',
  'outcome',
  'statusReason',
  'sessionNoteId',
  'unreachableAttempts',
  'attempts',
  'version',
  'createdAt',
  'updatedAt',
]);

/** The select list of the export: one column per header, named like it. */
export const FOLLOW_UP_CSV_SELECT = `f.id AS "id", f.client_id AS "clientId", f.discharge_id AS "dischargeId",
  f.kind AS "kind", f.label AS "label", f.status AS "status", f.due_at AS "dueAt",
  f.window_start AS "windowStart", f.window_end AS "windowEnd", f.owner_id AS "ownerId",
  f.started_at AS "startedAt", f.completed_at AS "completedAt", f.outcome AS "outcome",
  f.status_reason AS "statusReason", f.session_note_id AS "sessionNoteId",
  f.unreachable_attempts AS "unreachableAttempts",
  (SELECT count(*)::int FROM follow_up_attempt a WHERE a.follow_up_id = f.id) AS "attempts",
  f.version AS "version", f.created_at AS "createdAt", f.updated_at AS "updatedAt"`;
