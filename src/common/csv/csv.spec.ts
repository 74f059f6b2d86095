import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';

import { parse } from 'csv-parse/sync';

import {
  csvDisposition,
  csvFileName,
  csvHeaderLine,
  CsvColumn,
  neutraliseCell,
  toCsv,
  toCsvCell,
  wantsCsv,
} from './csv';

interface Row {
  name: string | null;
  n: number;
  at: Date;
  ok: boolean;
}

const COLUMNS: CsvColumn<Row>[] = [
  { header: 'name', value: (r) => r.name },
  { header: 'n', value: (r) => r.n },
  { header: 'at', value: (r) => r.at },
  { header: 'ok', value: (r) => r.ok },
];

describe('csv', () => {
  it.each(['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx', '=HYPERLINK("http://x","y")'])(
    'should prefix a quote when a cell starts a formula (%j)',
    (value) => {
      expect(neutraliseCell(value)).toBe(`'${value}`);
    },
  );

  it.each(['Smith', 'a=b', ' =1', "'quoted", ''])(
    'should keep a cell as it is when it starts no formula (%j)',
    (value) => {
      expect(neutraliseCell(value)).toBe(value);
    },
  );

  it('should write null as empty, instants as ISO and booleans as words when casting cells', () => {
    expect(toCsvCell(null)).toBe('');
    expect(toCsvCell(undefined)).toBe('');
    expect(toCsvCell(new Date('2026-01-02T03:04:05Z'))).toBe('2026-01-02T03:04:05.000Z');
    expect(toCsvCell(true)).toBe('true');
    expect(toCsvCell(0.25)).toBe('0.25');
    expect(toCsvCell(-3)).toBe('-3');
  });

  it('should stream the header and rows that parse back to the values when rows are hostile', async () => {
    const at = new Date('2026-05-01T00:00:00Z');
    const rows: Row[] = [
      { name: '=cmd|"/c calc"!A1', n: 1, at, ok: true },
      { name: 'line\nbreak, "quoted"', n: 2, at, ok: false },
      { name: null, n: 3, at, ok: true },
    ];
    const csv = await text(toCsv(COLUMNS, Readable.from(rows)));
    expect(csv.split('\n')[0]).toBe(csvHeaderLine(COLUMNS));
    expect(parse(csv, { columns: true })).toEqual([
      { name: `'=cmd|"/c calc"!A1`, n: '1', at: at.toISOString(), ok: 'true' },
      { name: 'line\nbreak, "quoted"', n: '2', at: at.toISOString(), ok: 'false' },
      { name: '', n: '3', at: at.toISOString(), ok: 'true' },
    ]);
  });

  it('should write the header row alone when there are no rows', async () => {
    expect(await text(toCsv(COLUMNS, Readable.from([])))).toBe('name,n,at,ok\n');
  });

  it('should destroy the rows when the CSV stream is destroyed', async () => {
    const rows = new Readable({ objectMode: true, read() {} });
    const csv = toCsv(COLUMNS, rows);
    csv.destroy();
    await new Promise((resolve) => rows.once('close', resolve));
    expect(rows.destroyed).toBe(true);
  });

  it('should choose CSV only when text/csv is asked for at least as much as JSON', () => {
    expect(wantsCsv('text/csv')).toBe(true);
    expect(wantsCsv('text/csv, application/json;q=0.5')).toBe(true);
    expect(wantsCsv(['application/json', 'text/csv'])).toBe(true);
    expect(wantsCsv('application/json, text/csv;q=0.5')).toBe(false);
    expect(wantsCsv('text/csv;q=0')).toBe(false);
    expect(wantsCsv('*/*')).toBe(false);
    expect(wantsCsv(undefined)).toBe(false);
  });

  it('should make file names and the disposition header safe when parts carry odd characters', () => {
    expect(csvFileName('audit-events', '2026-01-01T00:00:00Z', undefined, '2026-02-01')).toBe(
      'audit-events_2026-01-01T00-00-00Z_2026-02-01.csv',
    );
    expect(csvDisposition('a"b\r\n.csv')).toBe('attachment; filename="a-b--.csv"');
  });
});
