import stringify from 'safe-stable-stringify';
import { toPublicCall } from '#domain/call';
import { CALL_ID_PATTERN } from '#domain/ids';
import { invalidRequest } from '#domain/errors';
import { toTimestamp } from '#domain/time';
import type { Call } from '#schemas/call';
import { LIST_LIMITS, rangeEnd, rangeStart, type ListCallsQuery } from '#schemas/list-calls-query';
import type { CallPosition, CallRepository } from '#ports/call-repository';

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

export async function listCalls(
  deps: { calls: CallRepository },
  accountId: string,
  query: ListCallsQuery,
): Promise<CallList> {
  // 1. Filters and page size; a cursor only continues the listing it came from.
  const pageSize = query.pageSize ?? LIST_LIMITS.pageSize.default;
  const filters = stringify({ ...query, page: undefined, cursor: undefined, pageSize }) ?? '';
  const range = {
    createdFrom: query.dateFrom ? toTimestamp(new Date(rangeStart(query.dateFrom))) : undefined,
    createdBefore: query.dateTo ? toTimestamp(new Date(Math.floor(rangeEnd(query.dateTo) / 1000) * 1000)) : undefined,
  };
  const cursor = query.cursor ? decodeCursor(query.cursor, filters, range) : null;
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
    campaignId: query.campaignId,
    ...range,
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

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

/**
 * The cursor a previous page issued. It is the client's to send back, so it is checked as hostile
 * input: a call id and a timestamp of the right shape, inside the listing's date range (DynamoDB
 * refuses a start key outside the query's bounds).
 */
function decodeCursor(value: string, filters: string, range: { createdFrom?: string; createdBefore?: string }): Cursor {
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
    typeof cursor === 'object' &&
    cursor !== null &&
    Number.isInteger(cursor.page) &&
    cursor.page > 1 &&
    typeof cursor.after?.createdAt === 'string' &&
    TIMESTAMP.test(cursor.after.createdAt) &&
    typeof cursor.after.id === 'string' &&
    CALL_ID_PATTERN.test(cursor.after.id) &&
    (range.createdFrom === undefined || cursor.after.createdAt >= range.createdFrom) &&
    (range.createdBefore === undefined || cursor.after.createdAt < range.createdBefore) &&
    cursor.filters === filters;
  if (!valid) throw invalid;
  return cursor;
}
