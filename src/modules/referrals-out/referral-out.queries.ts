import { ReferralOutResponse } from './dto/referral-out.dto';
import { ReferralStatus } from './referral-status';

export interface ReferralOutRow {
  id: string;
  clientId: string;
  resourceId: string;
  resourceName: string;
  need: string;
  reason: string;
  status: ReferralStatus;
  resentFromId: string | null;
  sentAt: Date;
  sentById: string | null;
  history: { status: string; actorId: string | null; occurredAt: string }[];
  followUpId: string | null;
  followUpDueAt: Date;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

/** The columns of a referral of alias `x` (with its resource `r`), history and task included. */
export const REFERRAL_COLUMNS = [
  'x.id',
  'x.client_id AS "clientId"',
  'x.resource_id AS "resourceId"',
  'r.name AS "resourceName"',
  'x.need',
  'x.reason',
  'x.status',
  'x.resent_from_id AS "resentFromId"',
  'x.sent_at AS "sentAt"',
  'x.sent_by_id AS "sentById"',
  `(SELECT COALESCE(json_agg(json_build_object('status', e.status, 'actorId', e.actor_id,
      'occurredAt', e.occurred_at) ORDER BY e.occurred_at, e.id), '[]'::json)
      FROM referral_out_event e WHERE e.referral_out_id = x.id) AS history`,
  '(SELECT f.id FROM follow_up f WHERE f.referral_out_id = x.id) AS "followUpId"',
  'x.follow_up_due_at AS "followUpDueAt"',
  'x.version',
  'x.created_at AS "createdAt"',
  'x.updated_at AS "updatedAt"',
].join(', ');

export const toReferralOutResponse = (r: ReferralOutRow): ReferralOutResponse => ({
  id: r.id,
  clientId: r.clientId,
  resourceId: r.resourceId,
  resourceName: r.resourceName,
  need: r.need,
  reason: r.reason,
  status: r.status,
  resentFromId: r.resentFromId,
  sentAt: r.sentAt.toISOString(),
  sentById: r.sentById,
  history: r.history.map((e) => ({
    status: e.status,
    actorId: e.actorId,
    occurredAt: new Date(e.occurredAt).toISOString(),
  })),
  followUpId: r.followUpId,
  followUpDueAt: r.followUpDueAt.toISOString(),
  version: r.version,
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
});
