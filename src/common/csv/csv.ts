/**
 * Streamed CSV exports (SPEC 10): rows go from a Postgres cursor through `csv-stringify` to the
 * socket, so memory stays flat however many rows there are.
 *
 * Usage, in a feature service (see the follow-up or audit exports):
 *
 * ```ts
 * const COLUMNS: CsvColumn<Row>[] = [
 *   { header: 'id', value: (r) => r.id },
 *   { header: 'lastName', value: (r) => r.last_name },
 * ];
 * const rows = await streamRows(poolOf(dataSource), { text, values }, {
 *   // optional: runs on another connection in the export's snapshot, before any row is read
 *   beforeRows: (snapshot) => inSnapshot(dataSource, snapshot, (m) => audit(m)),
 * });
 * return csvAttachment(csvFileName('follow-ups', from, to), toCsv(COLUMNS, rows));
 * ```
 *
 * and in the controller the JSON read and the export share the route (`Accept: text/csv` chooses
 * the export, `wantsCsv`), documented with `ApiJsonOrCsvResponse` (`csv.openapi.ts`).
 *
 * - Every cell is neutralised against formula injection (`neutraliseCell`): a text cell starting
 *   with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'`.
 * - `streamRows` checks out one pooled connection of its own, reads inside a `REPEATABLE READ READ
 *   ONLY` transaction through `pg-query-stream` (a cursor, `batchSize` rows at a time; the whole
 *   cursor is one statement, limited by `timeoutMs`, 10 minutes by default) and commits
 *   and releases the connection as soon as the last row is read. When the stream is destroyed
 *   first (the client disconnected: Fastify destroys the payload, and the pipeline the rows),
 *   the connection is released with an error at once: the pool discards it and the server
 *   backend ends, rolling back; nothing waits for the cursor to drain.
 */
import { Readable, Transform, TransformCallback, pipeline } from 'node:stream';

import { StreamableFile } from '@nestjs/common';
import { stringify } from 'csv-stringify';
import type { FastifyReply } from 'fastify';
import type { Pool, PoolClient } from 'pg';
import QueryStream from 'pg-query-stream';
import { DataSource, EntityManager } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';

export const CSV_CONTENT_TYPE = 'text/csv; charset=utf-8';

/** One column of an export: its stable header and how a row gives its cell. */
export interface CsvColumn<T> {
  header: string;
  value: (row: T) => unknown;
}

/** Columns named after the JSON read's fields, in the given order: the CSV and JSON agree. */
export function columnsOf<T>(keys: readonly (keyof T & string)[]): CsvColumn<T>[] {
  return keys.map((key) => ({ header: key, value: (row: T) => row[key] }));
}

const FORMULA_START = /^[=+\-@\t\r]/;

/** A text cell a spreadsheet would evaluate (`= + - @`, tab or CR first) gets a leading `'`. */
export function neutraliseCell(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/** The text of one cell: empty for null, ISO for instants, `true`/`false`, neutralised text. */
export function toCsvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'string') return neutraliseCell(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  return neutraliseCell(JSON.stringify(value));
}

/** The header line of an export, as `csv-stringify` writes it (for the OpenAPI document). */
export function csvHeaderLine<T>(columns: readonly CsvColumn<T>[]): string {
  return columns.map((c) => c.header).join(',');
}

/**
 * The CSV text of `rows` (an object-mode stream, e.g. from `streamRows`, or `Readable.from(array)`),
 * each first mapped by `map` when given (e.g. the JSON read's mapper): the header row, then one line
 * per row. Destroying the result destroys `rows` too.
 */
export function toCsv<T, R = T>(
  columns: readonly CsvColumn<T>[],
  rows: Readable,
  map?: (row: R) => T,
): Readable {
  const cells = new Transform({
    objectMode: true,
    transform(row: R, _encoding: BufferEncoding, done: TransformCallback) {
      const record = map ? map(row) : (row as unknown as T);
      done(
        null,
        columns.map((c) => toCsvCell(c.value(record))),
      );
    },
  });
  const text = stringify({ header: true, columns: columns.map((c) => c.header), eof: true });
  // Errors are the pipeline's to propagate: any stream failing or closing early destroys the rest.
  return pipeline(rows, cells, text, () => undefined);
}

/** A safe attachment name: `<base>_<part>_<part>.csv`, only `[A-Za-z0-9._-]`. */
export function csvFileName(base: string, ...parts: (string | undefined | null)[]): string {
  const name = [base, ...parts.filter((p): p is string => !!p)].join('_');
  return `${name.replace(/[^A-Za-z0-9._-]/g, '-')}.csv`;
}

/** `Content-Disposition` of an export (the name is made safe first). */
export function csvDisposition(fileName: string): string {
  const safe = fileName.replace(/[^A-Za-z0-9._-]/g, '-');
  return `attachment; filename="${safe}"`;
}

/** What a Nest handler returns: the stream with `text/csv; charset=utf-8` and the attachment name. */
export function csvAttachment(fileName: string, csv: Readable): StreamableFile {
  return new StreamableFile(csv, { type: CSV_CONTENT_TYPE, disposition: csvDisposition(fileName) });
}

/** For a plain Fastify route: sets the two headers and sends the stream. */
export function sendCsv(reply: FastifyReply, fileName: string, csv: Readable): FastifyReply {
  return reply
    .header('Content-Type', CSV_CONTENT_TYPE)
    .header('Content-Disposition', csvDisposition(fileName))
    .send(csv);
}

/**
 * Whether an `Accept` header asks for CSV: `text/csv` is listed with a non-zero quality at least
 * as high as any `application/json` listed. Wildcards alone (`*\/*`) keep JSON.
 */
export function wantsCsv(accept: string | string[] | undefined): boolean {
  const ranges = [accept ?? ''].flat().join(',').split(',');
  let csv = 0;
  let json = -1;
  for (const range of ranges) {
    const [type, ...params] = range.split(';').map((s) => s.trim().toLowerCase());
    const qParam = params.find((p) => p.startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (!Number.isFinite(q)) continue;
    if (type === 'text/csv') csv = Math.max(csv, q);
    if (type === 'application/json') json = Math.max(json, q);
  }
  return csv > 0 && csv >= json;
}

/** The pg pool behind TypeORM's Postgres driver. */
export function poolOf(dataSource: DataSource): Pool {
  return (dataSource.driver as PostgresDriver).master as Pool;
}

/** How long one export may run (its cursor is one statement for `statement_timeout`). */
export const EXPORT_TIMEOUT_MS = 10 * 60_000;

export interface StreamRowsOptions {
  /** Rows fetched per round trip (default 500). */
  batchSize?: number;
  /**
   * The export's `statement_timeout` (default EXPORT_TIMEOUT_MS): a cursor is one statement from
   * its first fetch to its last, so the pool's per-statement limit would cut a long download.
   */
  timeoutMs?: number;
  /** The export's `work_mem` in MB (default: the role's), for a statement that sorts or hashes much. */
  workMemMb?: number;
  /**
   * Runs after the export's snapshot is taken and before any row is read, with the snapshot's id
   * (for `inSnapshot`): an audit of exactly the rows the export will hold commits before the
   * first byte is sent, and survives a client that disconnects.
   */
  beforeRows?: (snapshot: string) => Promise<void>;
}

class ExportRowStream extends QueryStream {
  constructor(
    text: string,
    values: unknown[],
    batchSize: number,
    private readonly onAbort: () => void,
  ) {
    super(text, values, { batchSize });
  }

  override _destroy(err: Error, cb: (error?: Error | null) => void): void {
    if (this.readableEnded) return super._destroy(err, cb);
    // Not read to the end: drop the connection now rather than wait for the cursor to close.
    this.onAbort();
    cb(err);
  }
}

/** Rows of one statement, streamed from a dedicated pooled connection (see the module comment). */
export async function streamRows<T>(
  pool: Pool,
  query: { text: string; values: unknown[] },
  options: StreamRowsOptions = {},
): Promise<Readable> {
  const client: PoolClient = await pool.connect();
  let released = false;
  const release = (err?: Error): void => {
    if (released) return;
    released = true;
    client.release(err);
  };
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const timeout = Math.max(1, Math.floor(options.timeoutMs ?? EXPORT_TIMEOUT_MS));
    await client.query(`SET LOCAL statement_timeout = ${timeout}`);
    if (options.workMemMb)
      await client.query(`SET LOCAL work_mem = '${Math.max(1, Math.floor(options.workMemMb))}MB'`);
    if (options.beforeRows) {
      const { rows } = await client.query<{ snapshot: string }>(
        'SELECT pg_export_snapshot() AS snapshot',
      );
      await options.beforeRows(rows[0].snapshot);
    }
  } catch (e) {
    release(e as Error);
    throw e;
  }
  const rows = new ExportRowStream(query.text, query.values, options.batchSize ?? 500, () =>
    release(new Error('CSV export aborted before its last row')),
  );
  rows.once('end', () => {
    client.query('COMMIT').then(
      () => release(),
      (e: Error) => release(e),
    );
  });
  return client.query(rows) as unknown as Readable & AsyncIterable<T>;
}

const SNAPSHOT_ID = /^[0-9A-F]+-[0-9A-F]+(-[0-9]+)?$/i;

/** Runs `work` in a REPEATABLE READ transaction that sees the exported snapshot `snapshot`. */
export async function inSnapshot<R>(
  dataSource: DataSource,
  snapshot: string,
  work: (manager: EntityManager) => Promise<R>,
): Promise<R> {
  if (!SNAPSHOT_ID.test(snapshot)) throw new Error('not a snapshot id');
  return dataSource.transaction('REPEATABLE READ', async (manager) => {
    await manager.query(`SET TRANSACTION SNAPSHOT '${snapshot}'`);
    return work(manager);
  });
}
