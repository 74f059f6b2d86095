import { audit, auditReads, Handler, Route } from './baseline-lib';

import { CASELOAD_DETAIL, CASELOAD_SUMMARY } from '../../src/modules/caseloads/caseload.queries';
import {
  defaultCadence,
  LEVELS_OF_CARE,
  LevelOfCare,
  planFollowUps,
} from '../../src/modules/discharges/cadence';
import { INSERT_FOLLOW_UPS } from '../../src/modules/discharges/discharge.queries';
import { findStigmatizingLanguage } from '../../src/modules/session-notes/recovery-language';

/**
 * Hand-written equivalents of the measured service routes: the same statements in the same
 * transaction, with validation written out by hand and no framework, ORM or validation library.
 */

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/;
const CONTACT_TYPES = new Set([
  'in_person',
  'phone',
  'video',
  'text',
  'outreach_attempt',
  'collateral',
]);
const SECTIONS: Record<string, string[]> = {
  narrative: ['narrative'],
  DAP: ['data', 'assessment', 'plan'],
  GIRP: ['goals', 'intervention', 'response', 'plan'],
  SOAP: ['subjective', 'objective', 'assessment', 'plan'],
};

// The peer specialist's scope of AccessService.requireClient (primary assignment or active coverage).
const CLIENT_IN_SCOPE = `SELECT c.id, c.organization_id, c.primary_specialist_id, c.status FROM client c
  WHERE c.id = $1 AND c.organization_id = $2 AND c.deleted_at IS NULL AND (c.primary_specialist_id = $3
    OR EXISTS (SELECT 1 FROM client_coverage cv WHERE cv.client_id = c.id AND cv.specialist_id = $3
      AND cv.revoked_at IS NULL AND cv.starts_at <= now() AND cv.ends_at > now()))`;

interface NoteBody {
  startedAt?: unknown;
  endedAt?: unknown;
  contactType?: unknown;
  setting?: unknown;
  format?: unknown;
  sections?: unknown;
}

/** S1: POST /api/v1/clients/:id/session-notes. */
const createNote: Handler = async (ctx, req, [clientId], raw) => {
  const who = ctx.caller(req);
  const b = (raw ?? {}) as NoteBody;
  const errors: string[] = [];
  if (typeof b.startedAt !== 'string' || !INSTANT.test(b.startedAt)) errors.push('startedAt');
  if (typeof b.endedAt !== 'string' || !INSTANT.test(b.endedAt)) errors.push('endedAt');
  if (typeof b.contactType !== 'string' || !CONTACT_TYPES.has(b.contactType))
    errors.push('contactType');
  if (b.setting !== undefined && (typeof b.setting !== 'string' || b.setting.length > 200))
    errors.push('setting');
  const keys = typeof b.format === 'string' ? SECTIONS[b.format] : undefined;
  if (!keys) errors.push('format');
  const sections = (b.sections ?? {}) as Record<string, string>;
  for (const [k, v] of Object.entries(sections)) {
    if (!keys?.includes(k) || typeof v !== 'string' || v.length > 20_000)
      errors.push(`sections.${k}`);
  }
  if (errors.length > 0) return [400, { code: 'VALIDATION_FAILED', errors }];
  const startedAt = new Date(b.startedAt as string);
  const endedAt = new Date(b.endedAt as string);
  if (endedAt < startedAt || endedAt.getTime() > Date.now() + 300_000)
    return [400, { code: 'VALIDATION_FAILED' }];
  return ctx.tx(async (c) => {
    const { rows: scoped } = await c.query(CLIENT_IN_SCOPE, [clientId, who.organizationId, who.id]);
    if (scoped.length === 0) return [404, { code: 'NOT_FOUND' }];
    const { rows } = await c.query(
      `INSERT INTO session_note (organization_id, client_id, author_id, status, started_at, ended_at, contact_type,
         setting, format, sections, goal_ids, interventions, risk_flags, late_entry, version)
       VALUES ($1, $2, $3, 'draft', $4, $5, $6, $7, $8, $9, '{}', '{}', '{}', false, 1)
       RETURNING id, status, version, created_at, updated_at`,
      [
        who.organizationId,
        clientId,
        who.id,
        startedAt,
        endedAt,
        b.contactType,
        b.setting ?? null,
        b.format,
        sections,
      ],
    );
    if (b.contactType !== 'outreach_attempt') {
      await c.query(
        `UPDATE client SET last_contact_at = GREATEST(last_contact_at, $2) WHERE id = $1`,
        [clientId, startedAt],
      );
    }
    const note = rows[0] as {
      id: string;
      status: string;
      version: number;
      created_at: Date;
      updated_at: Date;
    };
    await audit(c, who, 'session-note.create', clientId, 'SessionNote', note.id);
    const minutes = Math.round((endedAt.getTime() - startedAt.getTime()) / 60_000);
    return [
      201,
      {
        id: note.id,
        clientId,
        authorId: who.id,
        status: note.status,
        version: note.version,
        startedAt: startedAt.toISOString(),
        endedAt: endedAt.toISOString(),
        durationMinutes: minutes,
        billingUnits: Math.floor(minutes / 15),
        contactType: b.contactType,
        setting: b.setting ?? null,
        format: b.format,
        sections,
        goalIds: [],
        interventions: [],
        riskFlags: [],
        signedAt: null,
        contentHash: null,
        lateEntry: false,
        createdAt: note.created_at.toISOString(),
        updatedAt: note.updated_at.toISOString(),
        warnings: findStigmatizingLanguage(sections),
      },
    ];
  });
};

/** S2: GET /api/v1/caseloads/:specialistId, the service's own statement (CASELOAD_DETAIL), prepared like the service's, through raw pg. */
const caseloadDetail: Handler = async (ctx, req, [specialistId]) => {
  const who = ctx.caller(req);
  const supervisor = who.role === 'supervisor' ? who.id : null;
  const { rows } = await ctx.pool.query({
    name: 'caseload-detail',
    text: CASELOAD_DETAIL,
    values: [who.organizationId, supervisor, specialistId],
  });
  if (rows.length === 0) return [404, { code: 'NOT_FOUND' }];
  const clientIds = (rows[0].clients as { id: string }[]).map((c) => c.id);
  await auditReads(ctx.pool, who, 'caseload.read', clientIds, 'Caseload', specialistId);
  return [200, rows[0]];
};

/** S3: GET /api/v1/caseloads, the service's own statement (CASELOAD_SUMMARY), prepared like the service's, through raw pg. */
const caseloadSummary: Handler = async (ctx, req) => {
  const who = ctx.caller(req);
  const supervisor = who.role === 'supervisor' ? who.id : null;
  const { rows } = await ctx.pool.query({
    name: 'caseload-summary',
    text: CASELOAD_SUMMARY,
    values: [who.organizationId, supervisor, null, null, null, 21],
  });
  await audit(ctx.pool, who, 'caseload.list', null, 'Caseload', null);
  const items = rows.slice(0, 20);
  return [
    200,
    {
      items,
      nextCursor:
        rows.length > 20
          ? Buffer.from(JSON.stringify(items[19].specialistId)).toString('base64url')
          : null,
    },
  ];
};

interface FollowUpRow {
  id: string;
  label: string;
  dueAt: Date;
  windowEnd: Date;
  [k: string]: unknown;
}

const iso = (d: unknown): string | null => (d instanceof Date ? d.toISOString() : null);

/**
 * S4: POST /api/v1/clients/:id/discharges, the statements of DischargesService.record: scope,
 * discharge, supersede earlier cadences, cadence, follow-ups, their job rows and outbox rows, audit.
 */
const createDischarge: Handler = async (ctx, req, [clientId], raw) => {
  const who = ctx.caller(req);
  const b = (raw ?? {}) as Record<string, unknown>;
  const level = b.levelOfCare as LevelOfCare;
  const bad =
    typeof b.facility !== 'string' ||
    !b.facility.trim() ||
    b.facility.length > 200 ||
    !LEVELS_OF_CARE.includes(level) ||
    typeof b.admittedAt !== 'string' ||
    typeof b.dischargedAt !== 'string' ||
    Number.isNaN(Date.parse(b.admittedAt)) ||
    Number.isNaN(Date.parse(b.dischargedAt)) ||
    typeof b.planned !== 'boolean' ||
    (b.disposition !== undefined && typeof b.disposition !== 'string');
  if (bad) return [400, { code: 'VALIDATION_FAILED' }];
  const admittedAt = new Date(b.admittedAt as string);
  const dischargedAt = new Date(b.dischargedAt as string);
  if (dischargedAt < admittedAt || dischargedAt.getTime() > Date.now() + 300_000)
    return [400, { code: 'VALIDATION_FAILED' }];
  return ctx.tx(async (c) => {
    const { rows: scoped } = await c.query(CLIENT_IN_SCOPE, [clientId, who.organizationId, who.id]);
    const client = scoped[0] as
      | {
          id: string;
          organization_id: string;
          primary_specialist_id: string | null;
          status: string;
        }
      | undefined;
    if (!client) return [404, { code: 'NOT_FOUND' }];
    if (client.status === 'closed') return [422, { code: 'BUSINESS_RULE_VIOLATION' }];
    const { rows: ins } = await c.query(
      `INSERT INTO discharge (organization_id, client_id, facility, level_of_care, admitted_at, discharged_at,
         disposition, planned, created_by_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT ON CONSTRAINT discharge_once_uq DO NOTHING RETURNING *`,
      [
        client.organization_id,
        clientId,
        b.facility,
        level,
        admittedAt,
        dischargedAt,
        b.disposition ?? null,
        b.planned,
        who.id,
      ],
    );
    const d = ins[0] as
      | { id: string; discharged_at: Date; admitted_at: Date; created_at: Date; source: string }
      | undefined;
    if (!d) return [409, { code: 'DUPLICATE' }];
    await c.query(
      `UPDATE follow_up SET status = $3, status_reason = $4, version = version + 1, updated_at = now()
       WHERE client_id = $1 AND status IN ('requested', 'ready', 'in-progress', 'on-hold')
         AND discharge_id IN (SELECT id FROM discharge WHERE client_id = $1 AND discharged_at <= $2) RETURNING id`,
      [clientId, d.admitted_at, 'cancelled', 'superseded'],
    );
    const { rows: cad } = await c.query(
      `SELECT steps FROM follow_up_cadence WHERE organization_id = $1 AND level_of_care = $2`,
      [client.organization_id, level],
    );
    const planned = planFollowUps(level, d.discharged_at, cad[0]?.steps ?? defaultCadence(level));
    const { rows: inserted } = await c.query(INSERT_FOLLOW_UPS, [
      client.organization_id,
      clientId,
      d.id,
      planned.map((p) => p.kind),
      planned.map((p) => p.label),
      planned.map((p) => p.dueAt),
      planned.map((p) => p.windowStart),
      planned.map((p) => p.windowEnd),
      client.primary_specialist_id,
    ]);
    const tasks = (inserted as FollowUpRow[]).sort(
      (a, b) => a.dueAt.getTime() - b.dueAt.getTime() || a.label.localeCompare(b.label),
    );
    const now = Date.now();
    const jobs: { id: string; name: string; followUpId: string; payload: string; runAt: Date }[] =
      [];
    for (const f of tasks) {
      const payload = { organizationId: client.organization_id, followUpId: f.id };
      if (f.dueAt.getTime() > now) {
        jobs.push({
          id: `followup-reminder.${f.id}.${f.dueAt.getTime()}`,
          name: 'follow-up.reminder',
          followUpId: f.id,
          payload: JSON.stringify(payload),
          runAt: new Date(Math.max(now, f.dueAt.getTime() - 60 * 60_000)),
        });
      }
      jobs.push({
        id: `followup-overdue.${f.id}.${f.windowEnd.getTime()}`,
        name: 'follow-up.escalation',
        followUpId: f.id,
        payload: JSON.stringify({ ...payload, reason: 'overdue' }),
        runAt: new Date(f.windowEnd.getTime() + 60 * 60_000),
      });
    }
    const jv: unknown[] = [];
    const jt = jobs.map((j, i) => {
      jv.push(j.id, client.organization_id, j.followUpId, j.name, j.payload, j.runAt.toISOString());
      const o = i * 6;
      return `($${o + 1}, $${o + 2}, $${o + 3}, $${o + 4}, $${o + 5}, $${o + 6})`;
    });
    const { rows: fresh } = await c.query(
      `INSERT INTO follow_up_job (job_id, organization_id, follow_up_id, job_name, payload, run_at)
       VALUES ${jt.join(', ')} ON CONFLICT (job_id) DO NOTHING RETURNING job_id`,
      jv,
    );
    const freshIds = new Set(fresh.map((r: { job_id: string }) => r.job_id));
    const ov: unknown[] = [];
    const ot = jobs
      .filter((j) => freshIds.has(j.id))
      .map((j, i) => {
        ov.push('follow-ups', j.name, j.id, j.payload, j.runAt.toISOString());
        const o = i * 5;
        return `($${o + 1}, $${o + 2}, $${o + 3}, $${o + 4}, $${o + 5})`;
      });
    if (ot.length)
      await c.query(
        `INSERT INTO outbox (queue, job_name, job_id, payload, run_at) VALUES ${ot.join(', ')}`,
        ov,
      );
    await audit(c, who, 'discharge.create', clientId, 'Discharge', d.id);
    return [
      201,
      {
        id: d.id,
        clientId,
        facility: b.facility,
        levelOfCare: level,
        admittedAt: admittedAt.toISOString(),
        dischargedAt: dischargedAt.toISOString(),
        disposition: b.disposition ?? null,
        planned: b.planned,
        source: d.source,
        createdAt: d.created_at.toISOString(),
        followUps: tasks.map((f) => ({
          id: f.id,
          clientId: f.clientId,
          dischargeId: f.dischargeId,
          kind: f.kind,
          label: f.label,
          status: f.status,
          dueAt: iso(f.dueAt),
          windowStart: iso(f.windowStart),
          windowEnd: iso(f.windowEnd),
          ownerId: f.ownerId,
          startedAt: iso(f.startedAt),
          completedAt: iso(f.completedAt),
          outcome: f.outcome,
          statusReason: f.statusReason,
          sessionNoteId: f.sessionNoteId,
          unreachableAttempts: f.unreachableAttempts,
          attempts: [],
          version: f.version,
          createdAt: iso(f.createdAt),
          updatedAt: iso(f.updatedAt),
        })),
      },
    ];
  });
};

export const BASELINE_ROUTES: Route[] = [
  {
    method: 'POST',
    pattern: /^\/api\/v1\/clients\/([0-9a-f-]{36})\/discharges$/,
    handler: createDischarge,
  },
  { method: 'GET', pattern: /^\/api\/v1\/caseloads\/([0-9a-f-]{36})$/, handler: caseloadDetail },
  { method: 'GET', pattern: /^\/api\/v1\/caseloads$/, handler: caseloadSummary },
  {
    method: 'POST',
    pattern: /^\/api\/v1\/clients\/([0-9a-f-]{36})\/session-notes$/,
    handler: createNote,
  },
];
