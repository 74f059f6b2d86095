import { NoteFormat } from './session-note.enums';
import { isLateEntry, missingSections, periodErrors, sectionErrors } from './session-note.rules';

const at = (iso: string) => new Date(iso);

describe('session note rules', () => {
  it('should accept an incomplete draft when its keys belong to the format', () => {
    expect(sectionErrors(NoteFormat.Dap, { data: 'met', plan: '' })).toEqual([]);
  });

  it('should refuse keys of another format and non-text values', () => {
    expect(sectionErrors(NoteFormat.Soap, { data: 'x', plan: 3 })).toEqual([
      { field: 'sections.data', message: 'data is not a section of the SOAP format' },
      { field: 'sections.plan', message: 'plan must be a string' },
    ]);
  });

  it.each([
    [NoteFormat.Narrative, ['narrative']],
    [NoteFormat.Dap, ['data', 'assessment', 'plan']],
    [NoteFormat.Girp, ['goals', 'intervention', 'response', 'plan']],
    [NoteFormat.Soap, ['subjective', 'objective', 'assessment', 'plan']],
  ])('should require every %s section to sign when all are missing', (format, keys) => {
    expect(missingSections(format, {}).map((e) => e.field)).toEqual(
      keys.map((k) => `sections.${k}`),
    );
  });

  it('should treat whitespace as missing when signing', () => {
    expect(missingSections(NoteFormat.Narrative, { narrative: '  \n' })).toEqual([
      { field: 'sections.narrative', message: 'narrative is required to sign' },
    ]);
    expect(missingSections(NoteFormat.Narrative, { narrative: 'Met for coffee.' })).toEqual([]);
  });

  it('should refuse a period that ends first, runs past a day or ends in the future', () => {
    const now = at('2026-03-10T12:00:00Z');
    expect(
      periodErrors(at('2026-03-10T10:00:00Z'), at('2026-03-10T09:00:00Z'), now)[0].message,
    ).toBe('endedAt must not be before startedAt');
    expect(
      periodErrors(at('2026-03-08T10:00:00Z'), at('2026-03-09T10:01:00Z'), now)[0].message,
    ).toBe('a session must not last more than 24 hours');
    expect(
      periodErrors(at('2026-03-10T11:00:00Z'), at('2026-03-10T13:00:00Z'), now)[0].message,
    ).toBe('endedAt must not be in the future');
    expect(periodErrors(at('2026-03-10T11:00:00Z'), at('2026-03-10T11:45:00Z'), now)).toEqual([]);
  });

  it('should mark a late entry only when signed more than 72 hours after the end', () => {
    expect(isLateEntry(at('2026-03-01T10:00:00Z'), at('2026-03-04T10:00:00Z'))).toBe(false);
    expect(isLateEntry(at('2026-03-01T10:00:00Z'), at('2026-03-04T10:00:01Z'))).toBe(true);
  });
});
