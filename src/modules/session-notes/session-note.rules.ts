import { FieldError } from '../../common/errors/domain-error';
import { NoteFormat, REQUIRED_SECTIONS } from './session-note.enums';

export const MAX_SECTION_LENGTH = 20_000;
const MAX_SESSION_HOURS = 24;
// Clocks drift; a session that "ends" a few minutes from now is still plausible.
const FUTURE_SKEW_MS = 5 * 60_000;
const LATE_ENTRY_MS = 72 * 3600_000;

/** Section keys must belong to the format and hold text; drafts may leave them empty. */
export function sectionErrors(format: NoteFormat, sections: Record<string, unknown>): FieldError[] {
  const allowed = REQUIRED_SECTIONS[format];
  return Object.entries(sections).flatMap(([key, value]): FieldError[] => {
    const field = `sections.${key}`;
    if (!allowed.includes(key))
      return [{ field, message: `${key} is not a section of the ${format} format` }];
    if (typeof value !== 'string') return [{ field, message: `${key} must be a string` }];
    if (value.length > MAX_SECTION_LENGTH) {
      return [
        {
          field,
          message: `${key} must be shorter than or equal to ${MAX_SECTION_LENGTH} characters`,
        },
      ];
    }
    return [];
  });
}

/** Signing needs every section of the format, each with more than whitespace. */
export function missingSections(
  format: NoteFormat,
  sections: Record<string, string>,
): FieldError[] {
  return REQUIRED_SECTIONS[format]
    .filter((key) => typeof sections[key] !== 'string' || sections[key].trim() === '')
    .map((key) => ({ field: `sections.${key}`, message: `${key} is required to sign` }));
}

export function periodErrors(startedAt: Date, endedAt: Date, now: Date): FieldError[] {
  if (endedAt < startedAt)
    return [{ field: 'endedAt', message: 'endedAt must not be before startedAt' }];
  if (endedAt.getTime() - startedAt.getTime() > MAX_SESSION_HOURS * 3600_000) {
    return [
      { field: 'endedAt', message: `a session must not last more than ${MAX_SESSION_HOURS} hours` },
    ];
  }
  if (endedAt.getTime() > now.getTime() + FUTURE_SKEW_MS) {
    return [{ field: 'endedAt', message: 'endedAt must not be in the future' }];
  }
  return [];
}

/** CMS late entry: documented (signed) more than 72 hours after the session ended. */
export const isLateEntry = (endedAt: Date, signedAt: Date): boolean =>
  signedAt.getTime() - endedAt.getTime() > LATE_ENTRY_MS;
