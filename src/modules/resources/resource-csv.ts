import { plainToInstance } from 'class-transformer';
import { IsOptional, IsUUID, validate } from 'class-validator';

import { CsvColumn } from '../../common/csv/csv';
import { FieldError } from '../../common/errors/domain-error';
import { CreateResourceDto } from './dto/resource.dto';
import { ResourceRow } from './resource.queries';
import { formatHours, parseHours } from './weekly-hours';

/**
 * The CSV form of the directory, the same for export and import (so an export edited in a
 * spreadsheet imports back): lists are `;`-separated, hours are `mon 09:00-17:00; sat 10:00-14:00`.
 */
export const RESOURCE_CSV_COLUMNS: CsvColumn<ResourceRow>[] = [
  { header: 'id', value: (r) => r.id },
  { header: 'name', value: (r) => r.name },
  { header: 'categories', value: (r) => r.categories.join(';') },
  { header: 'description', value: (r) => r.description },
  { header: 'address', value: (r) => r.address },
  { header: 'latitude', value: (r) => r.latitude },
  { header: 'longitude', value: (r) => r.longitude },
  { header: 'serviceArea', value: (r) => r.serviceArea },
  { header: 'hours', value: (r) => formatHours(r.hours) },
  { header: 'phone', value: (r) => r.phone },
  { header: 'url', value: (r) => r.url },
  { header: 'eligibility', value: (r) => r.eligibility },
  { header: 'languages', value: (r) => r.languages.join(';') },
  { header: 'active', value: (r) => r.active },
];

export const RESOURCE_CSV_HEADERS = RESOURCE_CSV_COLUMNS.map((c) => c.header);
export const MAX_IMPORT_ROWS = 1000;

/** One imported row: a resource, with `id` when it updates one of the directory. */
export class ImportResourceRowDto extends CreateResourceDto {
  @IsOptional()
  @IsUUID()
  readonly id?: string;
}

// The export prefixes a text cell a spreadsheet would evaluate with `'`: the import takes it off.
const FORMULA_GUARDED = /^'[=+\-@\t\r]/;
const text = (cell: string): string => (FORMULA_GUARDED.test(cell) ? cell.slice(1) : cell);
const list = (cell: string): string[] =>
  text(cell)
    .split(';')
    .map((s) => s.trim())
    .filter((s) => s !== '');

type Cells = Record<string, string>;

// Cell -> DTO value. An empty optional cell clears the field; `undefined`: the column is absent.
const CONVERT: Record<string, (cell: string) => unknown> = {
  id: (c) => (c === '' ? undefined : c),
  name: text,
  categories: list,
  latitude: (c) => (c.trim() === '' ? null : Number(c)),
  longitude: (c) => (c.trim() === '' ? null : Number(c)),
  hours: (c) => parseHours(text(c)) ?? c,
  languages: list,
  active: (c) => (c === '' ? undefined : c === 'true' ? true : c === 'false' ? false : c),
};
const optionalText = (c: string): string | null => (c === '' ? null : text(c));

/** The DTO of one CSV record (only the columns the file has). */
export function rowToDto(cells: Cells): Record<string, unknown> {
  const dto: Record<string, unknown> = {};
  for (const [header, cell] of Object.entries(cells)) {
    const value = (CONVERT[header] ?? optionalText)(cell);
    if (value !== undefined) dto[header] = value;
  }
  return dto;
}

/** The row's errors, each field prefixed with its spreadsheet row (`row 2.name`; the header is row 1). */
export async function validateRow(
  cells: Cells,
  rowNumber: number,
): Promise<{ dto: ImportResourceRowDto; errors: FieldError[] }> {
  const plain = rowToDto(cells);
  const errors: FieldError[] = [];
  if (typeof plain.hours === 'string') {
    errors.push({
      field: 'hours',
      message: 'hours must be like "mon 09:00-17:00; sat 10:00-14:00"',
    });
    delete plain.hours;
  }
  const dto = plainToInstance(ImportResourceRowDto, plain);
  const found = await validate(dto, {
    whitelist: true,
    forbidNonWhitelisted: true,
    stopAtFirstError: true,
    // An absent column leaves the field as it is (an update) or is reported below (a new row).
    skipMissingProperties: true,
  });
  for (const e of found) {
    for (const message of Object.values(e.constraints ?? {}))
      errors.push({ field: e.property, message });
    for (const child of e.children ?? []) {
      for (const message of Object.values(child.constraints ?? {})) {
        errors.push({ field: `${e.property}.${child.property}`, message });
      }
    }
  }
  const isNew = !dto.id;
  for (const field of ['name', 'categories'] as const) {
    if (isNew && plain[field] === undefined) {
      errors.push({ field, message: `${field} is required for a new resource` });
    }
  }
  const hasLat = plain.latitude !== undefined && plain.latitude !== null;
  const hasLon = plain.longitude !== undefined && plain.longitude !== null;
  if (hasLat !== hasLon) {
    errors.push({
      field: hasLat ? 'longitude' : 'latitude',
      message: 'latitude and longitude must be given together',
    });
  }
  return {
    dto,
    errors: errors
      .sort((a, b) => a.field.localeCompare(b.field))
      .map((e) => ({ field: `row ${rowNumber}.${e.field}`, message: e.message })),
  };
}
