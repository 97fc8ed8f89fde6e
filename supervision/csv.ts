/**
 * CSV exports for supervisors, who open them in Excel: UTF-8 with a byte-order mark (without
 * it Excel reads Vietnamese diacritics as Windows-1252), CRLF line ends and RFC 4180 quoting,
 * one header row.
 */
export type CsvValue = string | number | boolean | null | undefined;

export interface CsvColumn<T> {
  header: string;
  value: (row: T) => CsvValue;
}

export const UTF8_BOM = '\uFEFF';

/** A cell that Excel would run as a formula ("=HYPERLINK(…)" typed into a name field). */
const FORMULA_START = /^[=+\-@\t\r]/;

export function csvField(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  // Text typed by people is data, never a formula: a leading apostrophe keeps Excel from evaluating it.
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv<T>(columns: ReadonlyArray<CsvColumn<T>>, rows: readonly T[]): string {
  const lines = [columns.map((c) => csvField(c.header)).join(',')];
  for (const row of rows) lines.push(columns.map((c) => csvField(c.value(row))).join(','));
  return `${UTF8_BOM}${lines.join('\r\n')}\r\n`;
}

/** The fields of `T` that are a CSV value as they are. */
type CsvField<T> = { [K in keyof T]: T[K] extends CsvValue ? K : never }[keyof T];

/**
 * Columns in the order written, each named by its header: a field of the row taken as it is,
 * or a function of the row. (Headers are words, never integers, which an object would reorder.)
 */
export function csvColumns<T>(spec: Record<string, CsvField<T> | ((row: T) => CsvValue)>): ReadonlyArray<CsvColumn<T>> {
  return Object.entries(spec).map(([header, v]) => ({ header, value: typeof v === 'function' ? v : (row: T) => row[v] as CsvValue }));
}
