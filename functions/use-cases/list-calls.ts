import stringify from 'safe-stable-stringify';
import { toPublicCall } from '#domain/call';
import { invalidRequest } from '#domain/errors';
import { toTimestamp } from '#domain/time';
import type { Call } from '#schemas/call';
import { LIST_LIMITS, type ListCallsQuery } from '#schemas/list-calls-query';
import type { CallPosition, CallStore } from '#ports/call-store';

export interface CallList {
  data: Call[];
  page: number;
  pageSize: number;
  hasMore: boolean;
  nextCursor: string | null;
}

interface Cursor {
  page: number;
  after: CallPosition;
  filters: string;
}

export async function listCalls(deps: { calls: CallStore }, accountId: string, query: ListCallsQuery): Promise<CallList> {
  // 1. Filters and page size; a cursor only continues the listing it came from.
  const pageSize = query.pageSize ?? LIST_LIMITS.pageSize.default;
  const filters = stringify({ ...query, page: undefined, cursor: undefined, pageSize }) ?? '';
  const cursor = query.cursor ? decodeCursor(query.cursor, filters) : null;
  if (cursor && query.page !== undefined && query.page !== cursor.page) {
    throw invalidRequest('invalid_cursor', 'page and cursor disagree; send one or the other.', 'page');
  }
  const page = cursor?.page ?? query.page ?? 1;
  const offset = cursor ? 0 : (page - 1) * pageSize;
  if (offset + pageSize > LIST_LIMITS.maxOffset) {
    throw invalidRequest(
      'page_too_deep',
      `page × pageSize may reach at most ${LIST_LIMITS.maxOffset} calls; follow nextCursor to go further.`,
      'page',
    );
  }

  // 2. One indexed query, newest first, over the account's calls in the createdAt range.
  const result = await deps.calls.list({
    accountId,
    agentId: query.agentId,
    status: query.status,
    createdFrom: query.dateFrom ? toTimestamp(startOf(query.dateFrom)) : undefined,
    createdBefore: query.dateTo ? exclusiveEnd(query.dateTo) : undefined,
    offset,
    limit: pageSize,
    after: cursor?.after,
  });

  // 3. The cursor for the next page points after this page's last call.
  const last = result.calls.at(-1);
  return {
    data: result.calls.map(toPublicCall),
    page,
    pageSize,
    hasMore: result.hasMore,
    nextCursor:
      result.hasMore && last
        ? encodeCursor({ page: page + 1, after: { createdAt: last.createdAt, id: last.id }, filters })
        : null,
  };
}

const isDateOnly = (value: string) => value.length === 10;

function startOf(value: string): Date {
  return new Date(isDateOnly(value) ? `${value}T00:00:00Z` : value);
}

/** dateTo includes the whole day for a date, and the whole second for a date-time. */
function exclusiveEnd(value: string): string {
  const start = startOf(value);
  const end = new Date(start.getTime() + (isDateOnly(value) ? 86_400_000 : 1000));
  return toTimestamp(new Date(Math.floor(end.getTime() / 1000) * 1000));
}

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

function decodeCursor(value: string, filters: string): Cursor {
  const invalid = invalidRequest(
    'invalid_cursor',
    'cursor is not one this listing issued; pass nextCursor from the previous page unchanged, with the same filters.',
    'cursor',
  );
  let cursor: Cursor;
  try {
    cursor = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as Cursor;
  } catch {
    throw invalid;
  }
  const valid =
    typeof cursor === 'object' && cursor !== null &&
    Number.isInteger(cursor.page) && cursor.page > 1 &&
    typeof cursor.after?.createdAt === 'string' && typeof cursor.after?.id === 'string' &&
    cursor.filters === filters;
  if (!valid) throw invalid;
  return cursor;
}
