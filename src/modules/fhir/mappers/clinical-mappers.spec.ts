import { randomUUID } from 'node:crypto';

import { expectValidFhir } from '../../../../test/helpers/fhir-validator';
import { PART2_NOTICE_TAG, PART2_SECURITY_LABELS } from '../fhir-labels';
import { ContactType, NoteFormat } from '../../session-notes/session-note.enums';
import { CarePlanSource, toCarePlan } from './care-plan.mapper';
import { EncounterSource, toEncounter } from './encounter.mapper';
import { LocalCodeSystem, LocalExtension } from './fhir-codes';
import { GoalSource, toGoal } from './goal.mapper';
import { toObservation } from './observation.mapper';
import { AssessmentSource, toQuestionnaireResponse } from './questionnaire-response.mapper';
import { TaskSource, toTask } from './task.mapper';

const clientId = randomUUID();
const staffId = randomUUID();
const created = new Date('2026-03-01T10:00:00.000Z');
const updated = new Date('2026-03-02T11:30:00.000Z');

function plan(overrides: Partial<CarePlanSource> = {}): CarePlanSource {
  return {
    id: randomUUID(),
    clientId,
    title: 'Stable housing and work',
    status: 'active',
    startDate: '2026-03-01',
    endDate: null,
    reviewDueAt: '2026-05-30',
    strengths: ['Supportive sister'],
    barriers: ['No car'],
    agreedOn: '2026-03-01',
    agreementMethod: 'signed',
    createdById: staffId,
    version: 3,
    createdAt: created,
    updatedAt: updated,
    goalIds: [randomUUID(), randomUUID()],
    ...overrides,
  };
}

function goal(overrides: Partial<GoalSource> = {}): GoalSource {
  return {
    id: randomUUID(),
    clientId,
    description: 'Attend two mutual-aid meetings a week',
    domain: 'community',
    targetDate: '2026-06-01',
    actionSteps: [{ text: 'Find a meeting near work', done: true }],
    lifecycleStatus: 'active',
    achievementStatus: 'improving',
    version: 2,
    updatedAt: updated,
    ...overrides,
  };
}

function note(overrides: Partial<EncounterSource> = {}): EncounterSource {
  return {
    id: randomUUID(),
    clientId,
    authorId: staffId,
    startedAt: new Date('2026-03-03T15:00:00.000Z'),
    endedAt: new Date('2026-03-03T15:50:00.000Z'),
    contactType: ContactType.InPerson,
    format: NoteFormat.Dap,
    sections: { data: 'Met at <cafe> & talked', assessment: 'Engaged', plan: 'Meet Friday' },
    interventions: ['engagement'],
    riskFlags: ['housing_loss'],
    version: 2,
    updatedAt: updated,
    addenda: [{ text: 'Late entry: phone call after', createdAt: updated.toISOString() }],
    ...overrides,
  };
}

function task(overrides: Partial<TaskSource> = {}): TaskSource {
  return {
    id: randomUUID(),
    clientId,
    kind: 'contact',
    label: 'Day 7 contact',
    status: 'completed',
    dueAt: new Date('2026-03-08T12:00:00.000Z'),
    windowStart: new Date('2026-03-07T12:00:00.000Z'),
    windowEnd: new Date('2026-03-09T12:00:00.000Z'),
    ownerId: staffId,
    startedAt: new Date('2026-03-08T09:00:00.000Z'),
    completedAt: new Date('2026-03-08T09:30:00.000Z'),
    outcome: 'reached',
    statusReason: null,
    sessionNoteId: randomUUID(),
    version: 4,
    createdAt: created,
    updatedAt: updated,
    ...overrides,
  };
}

function assessment(answers: number[]): AssessmentSource {
  return {
    id: randomUUID(),
    clientId,
    answers,
    total: answers.reduce((s, a) => s + a, 0),
    administeredAt: new Date('2026-03-31T14:00:00.000Z'),
    administeredById: staffId,
    createdAt: new Date('2026-03-31T14:05:00.000Z'),
  };
}

describe('FHIR mappers of the clinical records', () => {
  describe('toCarePlan', () => {
    it('should map a plan with its goals, agreement, strengths and barriers to a valid CarePlan', () => {
      const source = plan();
      const sut = toCarePlan(source);

      expectValidFhir(sut);
      expect(sut).toMatchObject({
        resourceType: 'CarePlan',
        id: source.id,
        meta: { versionId: '3', lastUpdated: '2026-03-02T11:30:00.000Z' },
        status: 'active',
        intent: 'plan',
        title: 'Stable housing and work',
        subject: { reference: `Patient/${clientId}` },
        period: { start: '2026-03-01' },
        author: { reference: `Practitioner/${staffId}` },
        goal: source.goalIds.map((id) => ({ reference: `Goal/${id}` })),
        note: [{ text: 'Strength: Supportive sister' }, { text: 'Barrier: No car' }],
      });
      expect(sut.extension).toEqual([
        { url: LocalExtension.PlanReviewDue, valueDate: '2026-05-30' },
        {
          url: LocalExtension.PlanAgreement,
          extension: [
            { url: 'date', valueDate: '2026-03-01' },
            { url: 'method', valueCode: 'signed' },
          ],
        },
      ]);
    });

    it('should leave out empty lists and unknown values when a draft plan has none', () => {
      const sut = toCarePlan(
        plan({
          status: 'draft',
          endDate: '2026-09-01',
          goalIds: [],
          strengths: [],
          barriers: [],
          agreedOn: null,
          agreementMethod: null,
          createdById: null,
        }),
      );

      expectValidFhir(sut);
      expect(sut.status).toBe('draft');
      expect(sut.period).toEqual({ start: '2026-03-01', end: '2026-09-01' });
      expect(sut).not.toHaveProperty('goal');
      expect(sut).not.toHaveProperty('note');
      expect(sut).not.toHaveProperty('author');
      expect(sut.extension).toHaveLength(1);
    });

    it.each(['draft', 'active', 'on-hold', 'completed', 'revoked'] as const)(
      'should produce a valid CarePlan when the status is %s',
      (status) => expectValidFhir(toCarePlan(plan({ status }))),
    );
  });

  describe('toGoal', () => {
    it('should map a goal with its domain, achievement, target and action steps to a valid Goal', () => {
      const source = goal();
      const sut = toGoal(source);

      expectValidFhir(sut);
      expect(sut).toEqual({
        resourceType: 'Goal',
        id: source.id,
        meta: {
          versionId: '2',
          lastUpdated: '2026-03-02T11:30:00.000Z',
          security: PART2_SECURITY_LABELS,
          tag: [PART2_NOTICE_TAG],
        },
        extension: [
          {
            url: LocalExtension.GoalActionStep,
            extension: [
              { url: 'text', valueString: 'Find a meeting near work' },
              { url: 'done', valueBoolean: true },
            ],
          },
        ],
        lifecycleStatus: 'active',
        achievementStatus: {
          coding: [
            { system: 'http://terminology.hl7.org/CodeSystem/goal-achievement', code: 'improving' },
          ],
        },
        category: [
          {
            coding: [
              { system: LocalCodeSystem.RecoveryDomain, code: 'community', display: 'Community' },
            ],
          },
        ],
        description: { text: 'Attend two mutual-aid meetings a week' },
        subject: { reference: `Patient/${clientId}` },
        target: [{ dueDate: '2026-06-01' }],
      });
    });

    it('should leave out achievement, target and steps when the goal has none', () => {
      const sut = toGoal(
        goal({
          achievementStatus: null,
          targetDate: null,
          actionSteps: [],
          lifecycleStatus: 'proposed',
        }),
      );

      expectValidFhir(sut);
      expect(sut).not.toHaveProperty('achievementStatus');
      expect(sut).not.toHaveProperty('target');
      expect(sut).not.toHaveProperty('extension');
    });
  });

  describe('toEncounter', () => {
    it('should put the escaped note text in the narrative when the consent covers session notes', () => {
      const source = note();
      const sut = toEncounter(source, true);

      expectValidFhir(sut);
      expect(sut).toMatchObject({
        resourceType: 'Encounter',
        id: source.id,
        status: 'finished',
        class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' },
        type: [{ coding: [{ system: LocalCodeSystem.ContactType, code: 'in_person' }] }],
        subject: { reference: `Patient/${clientId}` },
        participant: [{ individual: { reference: `Practitioner/${staffId}` } }],
        period: { start: '2026-03-03T15:00:00.000Z', end: '2026-03-03T15:50:00.000Z' },
        length: { value: 50, unit: 'min', system: 'http://unitsofmeasure.org', code: 'min' },
      });
      expect(sut.text?.status).toBe('additional');
      expect(sut.text?.div).toContain('<h3>Data</h3><p>Met at &lt;cafe&gt; &amp; talked</p>');
      expect(sut.text?.div).toContain('<li>housing_loss</li>');
      expect(sut.text?.div).toContain('Late entry: phone call after');
      expect(sut.text?.div).not.toContain('<cafe>');
    });

    it('should carry no note text at all when the consent does not cover session notes', () => {
      const sut = toEncounter(note(), false);

      expectValidFhir(sut);
      expect(sut).not.toHaveProperty('text');
      expect(JSON.stringify(sut)).not.toMatch(/cafe|Engaged|housing_loss|engagement|Late entry/);
    });

    it.each(Object.values(ContactType))(
      'should produce a valid Encounter when the contact type is %s',
      (contactType) => expectValidFhir(toEncounter(note({ contactType }), true)),
    );

    it.each(Object.values(NoteFormat))(
      'should produce a valid narrative when the note format is %s',
      (format) => expectValidFhir(toEncounter(note({ format, addenda: [] }), true)),
    );
  });

  describe('toTask', () => {
    it('should map a completed follow-up with outcome and session note to a valid Task', () => {
      const source = task();
      const sut = toTask(source);

      expectValidFhir(sut);
      expect(sut).toMatchObject({
        resourceType: 'Task',
        id: source.id,
        meta: { versionId: '4', lastUpdated: '2026-03-02T11:30:00.000Z' },
        extension: [{ url: LocalExtension.FollowUpDue, valueDateTime: '2026-03-08T12:00:00.000Z' }],
        status: 'completed',
        businessStatus: { coding: [{ system: LocalCodeSystem.FollowUpOutcome, code: 'reached' }] },
        intent: 'plan',
        code: { coding: [{ system: LocalCodeSystem.FollowUpKind, code: 'contact' }] },
        description: 'Day 7 contact',
        for: { reference: `Patient/${clientId}` },
        executionPeriod: { start: '2026-03-08T09:00:00.000Z', end: '2026-03-08T09:30:00.000Z' },
        authoredOn: '2026-03-01T10:00:00.000Z',
        lastModified: '2026-03-02T11:30:00.000Z',
        owner: { reference: `Practitioner/${staffId}` },
        restriction: {
          period: { start: '2026-03-07T12:00:00.000Z', end: '2026-03-09T12:00:00.000Z' },
        },
        output: [{ valueReference: { reference: `Encounter/${source.sessionNoteId}` } }],
      });
    });

    it('should leave out owner, execution and output when a requested task has none', () => {
      const sut = toTask(
        task({
          status: 'requested',
          ownerId: null,
          startedAt: null,
          completedAt: null,
          outcome: null,
          sessionNoteId: null,
        }),
      );

      expectValidFhir(sut);
      for (const key of ['owner', 'executionPeriod', 'output', 'businessStatus', 'statusReason']) {
        expect(sut).not.toHaveProperty(key);
      }
    });

    it.each([
      'requested',
      'ready',
      'in-progress',
      'completed',
      'cancelled',
      'failed',
      'on-hold',
    ] as const)('should produce a valid Task when the status is %s', (status) =>
      expectValidFhir(
        toTask(task({ status, statusReason: status === 'on-hold' ? 'Readmitted' : null })),
      ),
    );
  });

  describe('toQuestionnaireResponse', () => {
    it('should map the ten answers and the total to a valid QuestionnaireResponse', () => {
      const source = assessment([5, 5, 5, 5, 5, 5, 5, 5, 4, 3]);
      const sut = toQuestionnaireResponse(source);

      expectValidFhir(sut);
      expect(sut).toMatchObject({
        resourceType: 'QuestionnaireResponse',
        id: source.id,
        meta: { versionId: '1', lastUpdated: '2026-03-31T14:05:00.000Z' },
        questionnaire: 'https://recovery-bridge.example/fhir/Questionnaire/barc-10',
        status: 'completed',
        subject: { reference: `Patient/${clientId}` },
        authored: '2026-03-31T14:00:00.000Z',
        author: { reference: `Practitioner/${staffId}` },
      });
      expect(sut.item?.map((i) => [i.linkId, i.answer?.[0].valueInteger])).toEqual([
        ['1', 5],
        ['2', 5],
        ['3', 5],
        ['4', 5],
        ['5', 5],
        ['6', 5],
        ['7', 5],
        ['8', 5],
        ['9', 4],
        ['10', 3],
        ['total', 47],
      ]);
    });
  });

  describe('toObservation', () => {
    it('should interpret a total of 47 as at or above the remission threshold', () => {
      const source = assessment([5, 5, 5, 5, 5, 5, 5, 5, 4, 3]);
      const sut = toObservation(source);

      expectValidFhir(sut);
      expect(sut).toMatchObject({
        resourceType: 'Observation',
        id: source.id,
        status: 'final',
        category: [
          {
            coding: [
              {
                system: 'http://terminology.hl7.org/CodeSystem/observation-category',
                code: 'survey',
              },
            ],
          },
        ],
        code: { coding: [{ system: LocalCodeSystem.Barc10, code: 'total' }] },
        subject: { reference: `Patient/${clientId}` },
        effectiveDateTime: '2026-03-31T14:00:00.000Z',
        performer: [{ reference: `Practitioner/${staffId}` }],
        valueInteger: 47,
        interpretation: [
          {
            coding: [
              {
                system: LocalCodeSystem.Barc10Interpretation,
                code: 'at-or-above-remission-threshold',
              },
            ],
          },
        ],
        referenceRange: [{ low: { value: 47 } }],
        derivedFrom: [{ reference: `QuestionnaireResponse/${source.id}` }],
      });
      expect(sut.component?.map((c) => [c.code.coding?.[0].code, c.valueInteger])).toEqual(
        source.answers.map((a, i) => [`item-${i + 1}`, a]),
      );
    });

    it('should interpret a total of 46 as below the remission threshold', () => {
      const sut = toObservation({
        ...assessment([5, 5, 5, 5, 5, 5, 5, 5, 3, 3]),
        administeredById: null,
      });

      expectValidFhir(sut);
      expect(sut.valueInteger).toBe(46);
      expect(sut.interpretation?.[0].coding?.[0].code).toBe('below-remission-threshold');
      expect(sut).not.toHaveProperty('performer');
    });
  });

  it('should label every resource with the Part 2 security labels and notice, beside its version', () => {
    const a = assessment([1, 2, 3, 4, 5, 6, 1, 2, 3, 4]);
    const all = [
      toCarePlan(plan()),
      toGoal(goal()),
      toEncounter(note(), false),
      toTask(task()),
      toQuestionnaireResponse(a),
      toObservation(a),
    ];
    for (const resource of all) {
      expect(resource.meta).toEqual({
        versionId: expect.stringMatching(/^\d+$/),
        lastUpdated: expect.any(String),
        security: PART2_SECURITY_LABELS,
        tag: [PART2_NOTICE_TAG],
      });
    }
  });

  it('should be rejected by the validator when a required element is missing', () => {
    const { intent: _intent, ...withoutIntent } = toCarePlan(plan());

    expect(() => expectValidFhir(withoutIntent as never)).toThrow(/intent/);
  });
});
