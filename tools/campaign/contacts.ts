import { parse } from 'csv-parse/sync';
import { isE164PhoneNumber } from '#schemas/phone-number';

/** One row of a contacts file. */
export interface Contact {
  /** Line of the file the row starts on (the header is line 1), for messages. */
  line: number;
  phone: string;
  id: string;
  name: string;
  /** Every other column, by its header: it goes into the call's metadata as given. */
  extra: Record<string, string>;
}

export interface Problem {
  /** The line at fault; 1 for the header. */
  line: number;
  message: string;
}

export const REQUIRED_COLUMNS = ['phone', 'id', 'name'] as const;
/** Metadata keys the command sets itself, so no extra column may use them. */
export const RESERVED_COLUMNS = ['campaignId', 'customerId', 'customerName'] as const;

interface ParsedRecord {
  record: string[];
  raw: string;
  info: { lines: number };
}

/**
 * Reads a contacts CSV (RFC 4180: quoted fields may hold commas, quotes and line breaks) with a
 * header naming at least phone, id and name (in any case). Every row is checked, and every problem reported with
 * its line, before anything uses the contacts.
 */
export function readContacts(text: string): { contacts: Contact[]; problems: Problem[] } {
  let records: ParsedRecord[];
  try {
    records = parse(text, {
      bom: true,
      trim: true,
      skip_empty_lines: true,
      relax_column_count: true,
      info: true,
      raw: true,
    }) as unknown as ParsedRecord[];
  } catch (error) {
    const line = (error as { lines?: number }).lines ?? 1;
    return { contacts: [], problems: [{ line, message: `not valid CSV: ${(error as Error).message}` }] };
  }
  const [header, ...rows] = records;
  if (!header)
    return {
      contacts: [],
      problems: [{ line: 1, message: `the file is empty; it needs a header line with ${REQUIRED_COLUMNS.join(',')}` }],
    };

  // The required columns in any case (a spreadsheet's "Phone", "ID", "Name"); other columns keep
  // their header as written, as the metadata keys.
  const columns = header.record.map((column) =>
    (REQUIRED_COLUMNS as readonly string[]).includes(column.toLowerCase()) ? column.toLowerCase() : column,
  );
  const headerProblems = checkHeader(columns);
  if (headerProblems.length > 0) return { contacts: [], problems: headerProblems };

  const contacts: Contact[] = [];
  const problems: Problem[] = [];
  const lineOfId = new Map<string, number>();
  for (const { record, raw, info } of rows) {
    const line = firstLineOf(raw, info.lines);
    if (record.length !== columns.length) {
      problems.push({
        line,
        message: `has ${record.length} fields; the header has ${columns.length} (quote a field that holds a comma)`,
      });
      continue;
    }
    const row = Object.fromEntries(columns.map((column, i) => [column, record[i] ?? '']));
    const { phone = '', id = '', name = '' } = row;
    const rowProblems: string[] = [];
    if (!isE164PhoneNumber(phone))
      rowProblems.push(`phone "${phone}" is not a phone number in E.164 format, such as +14155550199`);
    if (id === '') rowProblems.push('id is empty');
    else if (lineOfId.has(id))
      rowProblems.push(`id "${id}" is also on line ${lineOfId.get(id)}; each contact needs its own id`);
    if (name === '') rowProblems.push('name is empty');
    if (id !== '' && !lineOfId.has(id)) lineOfId.set(id, line);
    if (rowProblems.length > 0) {
      problems.push({ line, message: rowProblems.join('; ') });
      continue;
    }
    const extra = Object.fromEntries(
      Object.entries(row).filter(([column]) => !(REQUIRED_COLUMNS as readonly string[]).includes(column)),
    );
    contacts.push({ line, phone, id, name, extra });
  }
  return { contacts, problems };
}

function checkHeader(columns: string[]): Problem[] {
  const problems: Problem[] = [];
  const missing = REQUIRED_COLUMNS.filter((column) => !columns.includes(column));
  if (missing.length > 0)
    problems.push({
      line: 1,
      message: `the header has no ${missing.join(', ')} column (it has: ${columns.join(', ')})`,
    });
  const reserved = columns.filter((column) => (RESERVED_COLUMNS as readonly string[]).includes(column));
  if (reserved.length > 0)
    problems.push({ line: 1, message: `column ${reserved.join(', ')} is set by the campaign command; rename it` });
  const duplicates = columns.filter((column, i) => columns.indexOf(column) !== i);
  if (duplicates.length > 0)
    problems.push({ line: 1, message: `column ${[...new Set(duplicates)].join(', ')} appears more than once` });
  if (columns.some((column) => column === '')) problems.push({ line: 1, message: 'a column has no name' });
  return problems;
}

/** csv-parse reports the line a record ends on; a quoted field may span lines, and blank lines may precede it. */
function firstLineOf(raw: string, lastLine: number): number {
  const body = raw.replace(/^(?:[ \t]*\r?\n)+/, '').replace(/\r?\n$/, '');
  return lastLine - (body.match(/\n/g)?.length ?? 0);
}
