import { StreamableFile } from '@nestjs/common';
import { Injectable } from '@nestjs/common';
import { parse } from 'csv-parse/sync';

import { UserPrincipal } from '../../auth/principal';
import { csvAttachment, csvFileName, toCsv } from '../../common/csv/csv';
import { FieldError, ValidationError } from '../../common/errors/domain-error';
import { AuditService } from '../audit/audit.service';
import { UnitOfWork } from '../audit/unit-of-work';
import { ListResourcesQuery, ResourceImportResponse } from './dto/resource.dto';
import {
  ImportResourceRowDto,
  MAX_IMPORT_ROWS,
  RESOURCE_CSV_COLUMNS,
  RESOURCE_CSV_HEADERS,
  validateRow,
} from './resource-csv';
import { ResourceRepository } from './resource.repository';
import { ResourcesService } from './resources.service';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// Enough to fix a file in one go, without an answer as large as the file.
const MAX_REPORTED_ERRORS = 200;

const invalid = (errors: FieldError[]): ValidationError =>
  new ValidationError(
    errors.slice(0, MAX_REPORTED_ERRORS),
    'The CSV is invalid; no row was imported.',
  );

/**
 * The directory as CSV: the export streams the search's rows (every row, paging ignored) through
 * the shared formula-safe writer; the import validates every row first and then applies all of
 * them in one transaction, or none.
 */
@Injectable()
export class ResourcesCsvService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly repo: ResourceRepository,
    private readonly resources: ResourcesService,
    private readonly audit: AuditService,
  ) {}

  async export(actor: UserPrincipal, query: ListResourcesQuery): Promise<StreamableFile> {
    const search = this.resources.search(actor, query);
    await this.audit.recordNow(actor, {
      action: 'resource.export',
      resourceType: 'CommunityResource',
    });
    const rows = await this.repo.streamAll(search);
    const day = new Date().toISOString().slice(0, 10);
    return csvAttachment(csvFileName('resources', day), toCsv(RESOURCE_CSV_COLUMNS, rows));
  }

  async import(actor: UserPrincipal, csv: string): Promise<ResourceImportResponse> {
    const [header, ...records] = this.read(csv);
    this.checkHeader(header);
    const rows: { dto: ImportResourceRowDto; row: number }[] = [];
    const errors: FieldError[] = [];
    for (const [i, record] of records.entries()) {
      const cells = Object.fromEntries(header.map((h, j) => [h, record[j] ?? '']));
      const checked = await validateRow(cells, i + 2);
      errors.push(...checked.errors);
      rows.push({ dto: checked.dto, row: i + 2 });
    }
    errors.push(...(await this.checkIds(actor, rows)));
    if (errors.length > 0) throw invalid(errors);
    return this.uow.run(actor, async (tx) => {
      const m = tx.manager;
      const result: ResourceImportResponse = { created: 0, updated: 0, ids: [] };
      for (const { dto } of rows) {
        const { id, ...fields } = dto;
        const resourceId = id ?? (await this.resources.insert(m, actor, fields));
        if (id) await this.resources.apply(m, actor, id, null, fields);
        result[id ? 'updated' : 'created'] += 1;
        result.ids.push(resourceId);
        tx.audit({
          action: id ? 'resource.update' : 'resource.create',
          resourceType: 'CommunityResource',
          resourceId,
        });
      }
      return result;
    });
  }

  private read(csv: string): string[][] {
    let table: string[][];
    try {
      table = parse(csv, { bom: true, skip_empty_lines: true, relax_column_count: false });
    } catch (e) {
      const line = (e as { lines?: number }).lines;
      throw invalid([{ field: 'body', message: `the CSV is malformed near line ${line ?? 1}` }]);
    }
    if (table.length < 2) throw invalid([{ field: 'body', message: 'the CSV has no rows' }]);
    if (table.length - 1 > MAX_IMPORT_ROWS) {
      throw invalid([{ field: 'body', message: `the CSV has more than ${MAX_IMPORT_ROWS} rows` }]);
    }
    return table;
  }

  private checkHeader(header: string[]): void {
    const errors: FieldError[] = [];
    const seen = new Set<string>();
    for (const h of header) {
      if (!RESOURCE_CSV_HEADERS.includes(h)) {
        errors.push({ field: 'header', message: `unknown column "${h.slice(0, 40)}"` });
      } else if (seen.has(h)) {
        errors.push({ field: 'header', message: `column "${h}" appears twice` });
      }
      seen.add(h);
    }
    if (errors.length > 0) throw invalid(errors);
  }

  // Every id must name a resource of the caller's directory, once.
  private async checkIds(
    actor: UserPrincipal,
    rows: { dto: ImportResourceRowDto; row: number }[],
  ): Promise<FieldError[]> {
    const ids = rows.map((r) => r.dto.id).filter((id): id is string => !!id && UUID.test(id));
    const found = ids.length ? await this.repo.findExistingIds(actor.organizationId, ids) : [];
    const known = new Set(found);
    const seen = new Set<string>();
    const errors: FieldError[] = [];
    for (const { dto, row } of rows) {
      if (!dto.id || !UUID.test(dto.id)) continue;
      if (!known.has(dto.id.toLowerCase())) {
        errors.push({ field: `row ${row}.id`, message: 'id must be a resource of your directory' });
      } else if (seen.has(dto.id.toLowerCase())) {
        errors.push({ field: `row ${row}.id`, message: 'id appears on an earlier row' });
      }
      seen.add(dto.id.toLowerCase());
    }
    return errors;
  }
}
