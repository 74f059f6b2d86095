import { columnsOf } from '../../common/csv/csv';
import { AuditEventResponse } from './dto/audit.dto';

/** The audit search export's columns: the JSON read's fields, in order (a stable header). */
export const AUDIT_EVENT_CSV_COLUMNS = columnsOf<AuditEventResponse>([
  'id',
  'occurredAt',
  'actorId',
  'actorRole',
  'action',
  'clientId',
  'resourceType',
  'resourceId',
  'outcome',
  'correlationId',
]);

/** The select list of the export: one column per header, named like it. */
export const AUDIT_EVENT_CSV_SELECT = `e.id AS "id", e.occurred_at AS "occurredAt", e.actor_id AS "actorId",
  e.actor_role AS "actorRole", e.action AS "action", e.client_id AS "clientId",
  e.resource_type AS "resourceType", e.resource_id AS "resourceId", e.outcome AS "outcome",
  e.correlation_id AS "correlationId"`;
