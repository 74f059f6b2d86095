import { DomainError } from '../../common/errors/domain-error';

/** 400 with `issue.code` `not-supported`: a search or result parameter this server does not know. */
export class UnsupportedSearchParameterError extends DomainError {
  constructor(name: string) {
    super('UNSUPPORTED_SEARCH_PARAMETER', `The search parameter ${name} is not supported here.`, {
      errors: [{ field: name, message: `${name} is not a supported parameter` }],
    });
  }
}

/** 400 with `issue.code` `invalid`: a known parameter with a malformed value. */
export class InvalidSearchValueError extends DomainError {
  constructor(name: string, message: string) {
    super('VALIDATION_FAILED', 'The search is invalid.', { errors: [{ field: name, message }] });
  }
}

/** The positional arguments of one statement: `add` returns the placeholder of a value. */
export class SqlArgs {
  readonly values: unknown[] = [];

  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

export type SearchParamType = 'token' | 'string' | 'date' | 'reference';

/**
 * A search parameter of a resource type: what the CapabilityStatement lists and what the search
 * applies, from one declaration. `where` turns one value into a SQL predicate (repeated
 * parameters AND, commas inside a value OR where the parameter says so); it throws
 * InvalidSearchValueError on a malformed value.
 */
export interface SearchParamDefinition {
  name: string;
  type: SearchParamType;
  documentation: string;
  /** A canonical SearchParameter URL, when the parameter is the standard one. */
  definition?: string;
  where(value: string, args: SqlArgs): string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isUuid = (s: string): boolean => UUID.test(s);

/** Comma-separated alternatives (FHIR OR), each unescaped (`\,` stays a comma). */
export function alternatives(value: string): string[] {
  return value
    .split(/(?<!\\),/)
    .map((v) => v.replace(/\\,/g, ',').replace(/\\\|/g, '|').replace(/\\\\/g, '\\'));
}

/** `_id`: one or more ids (OR); an id that is no UUID matches nothing. */
export const idParam = (column: string): SearchParamDefinition => ({
  name: '_id',
  type: 'token',
  documentation: 'Logical id of the resource; comma-separated ids match any.',
  definition: 'http://hl7.org/fhir/SearchParameter/Resource-id',
  where(value, args) {
    const ids = alternatives(value).filter(isUuid);
    if (ids.length === 0) return 'false';
    return `${column} = ANY (${args.add(ids)}::uuid[])`;
  },
});

/** `patient`: `Patient/<id>` or `<id>`; anything else is malformed. */
export const patientParam = (clientColumn: string): SearchParamDefinition => ({
  name: 'patient',
  type: 'reference',
  documentation:
    'The Patient the resource is about: Patient/<id> or <id>; comma-separated ids match any.',
  where(value, args) {
    const ids = alternatives(value).map((v) => v.replace(/^Patient\//, ''));
    if (ids.some((id) => !isUuid(id))) {
      throw new InvalidSearchValueError('patient', 'patient must be Patient/<id>');
    }
    return `${clientColumn} = ANY (${args.add(ids)}::uuid[])`;
  },
});

const DATE =
  /^(eq|ne|lt|gt|le|ge|sa|eb)?(\d{4})(-(\d{2})(-(\d{2})(T[0-9:.]+(Z|[+-]\d{2}:\d{2})?)?)?)?$/;

/**
 * A date or instant parameter on `column` (a `date` or `timestamptz` expression): prefixes
 * eq (default), ne, lt, gt, le, ge; precision year, month, day or instant, as FHIR ranges.
 */
export const dateParam = (
  name: string,
  column: string,
  documentation: string,
  definition?: string,
): SearchParamDefinition => ({
  name,
  type: 'date',
  documentation,
  definition,
  where(value, args) {
    const m = DATE.exec(value);
    if (!m)
      throw new InvalidSearchValueError(name, `${name} must be a FHIR date, e.g. ge2024-01-31`);
    const prefix = m[1] ?? 'eq';
    const range = dateRange(m);
    if (!range || prefix === 'sa' || prefix === 'eb') {
      throw new InvalidSearchValueError(name, `${name} must be a FHIR date, e.g. ge2024-01-31`);
    }
    // Only the bounds a prefix uses become parameters (an unused one has no type for Postgres).
    const lo = () => `${args.add(range.start)}::timestamptz`;
    const hi = () => `${args.add(range.end)}::timestamptz`;
    switch (prefix) {
      case 'eq':
        return `(${column} >= ${lo()} AND ${column} < ${hi()})`;
      case 'ne':
        return `(${column} < ${lo()} OR ${column} >= ${hi()})`;
      case 'lt':
        return `${column} < ${lo()}`;
      case 'le':
        return `${column} < ${hi()}`;
      case 'gt':
        return `${column} >= ${hi()}`;
      default:
        return `${column} >= ${lo()}`;
    }
  },
});

// The half-open UTC range [start, end) a FHIR date of some precision stands for.
function dateRange(m: RegExpExecArray): { start: string; end: string } | undefined {
  const [year, month, day, time] = [Number(m[2]), m[4], m[6], m[7]];
  if (time) {
    const at = Date.parse(`${m[2]}-${month}-${day}${time}`);
    if (Number.isNaN(at) || !m[8]) return undefined;
    const start = new Date(at).toISOString();
    return { start, end: new Date(at + 1).toISOString() };
  }
  const mo = month ? Number(month) : undefined;
  const d = day ? Number(day) : undefined;
  if (mo !== undefined && (mo < 1 || mo > 12)) return undefined;
  const start = new Date(Date.UTC(year, (mo ?? 1) - 1, d ?? 1));
  if (d !== undefined && start.getUTCDate() !== d) return undefined;
  const end =
    d !== undefined
      ? new Date(Date.UTC(year, mo! - 1, d + 1))
      : mo !== undefined
        ? new Date(Date.UTC(year, mo, 1))
        : new Date(Date.UTC(year + 1, 0, 1));
  return { start: start.toISOString(), end: end.toISOString() };
}

/**
 * A token parameter with fixed codes on a text column (e.g. `status`): `codes` maps each FHIR
 * code to the stored values it stands for. `system|code` and commas (OR) are accepted.
 */
export const codeParam = (
  name: string,
  column: string,
  documentation: string,
  codes: Readonly<Record<string, readonly string[]>>,
): SearchParamDefinition => ({
  name,
  type: 'token',
  documentation,
  where(value, args) {
    const given = alternatives(value).map((v) => v.replace(/^[^|]*\|/, ''));
    if (given.some((v) => !Object.hasOwn(codes, v))) {
      throw new InvalidSearchValueError(
        name,
        `${name} must be one of ${Object.keys(codes).join(', ')}`,
      );
    }
    return `${column} = ANY (${args.add(given.flatMap((v) => codes[v]))}::text[])`;
  },
});
