import stringify from 'safe-stable-stringify';
import { decodeCursorToken, encodeCursorToken } from '#domain/cursor-token';
import { toPublicCall } from '#domain/call';
import { CALL_ID_PATTERN } from '#domain/ids';
import { invalidRequest } from '#domain/errors';
import { toTimestamp } from '#domain/time';
import type { Call } from '#schemas/call';
import { LIST_LIMITS, rangeEnd, rangeStart, type ListCallsQuery } from '#schemas/list-calls-query';
import type { CallPosition, CallRepository } from '#ports/call-repository';
import type { PageStarts } from '#ports/page-starts';

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

/**
 * One page of the account's calls, newest first, and a cursor to the next.
 *
 * Cost (DynamoDB items read): a page by cursor reads about pageSize + 1 calls whatever its depth.
 * A page by number starts from the nearest page start remembered for the same listing (account,
 * filters, page size) in the last LIST_LIMITS.pageStartTtlSeconds, or from the top, and skips the
 * calls between: pages requested in order (1, 2, 3, …) therefore cost a cursor hop each, and a
 * jump costs at most LIST_LIMITS.maxOffset skipped calls; further than that is a 400
 * `page_too_deep`. Every served page remembers where the next one starts.
 *
 * A page that starts at a remembered position continues right after the call that ended the
 * previous page as it was served, so a walk in order neither repeats nor skips calls created or
 * changed meanwhile; a page from the top is the Nth slice of the list as it is now.
 *
 * Errors: 400 `invalid_cursor` (a cursor not issued for this listing, or a page that disagrees
 * with it), 400 `page_too_deep`.
 */
export async function listCalls(
  deps: { calls: CallRepository; pageStarts: PageStarts },
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

  // 2. Where to start: the cursor's position, else the nearest remembered page start, else the top.
  const start: { page: number; after?: CallPosition } = cursor ??
    (page > 1 ? await deps.pageStarts.nearest(accountId, filters, page) : null) ?? { page: 1 };
  const offset = (page - start.page) * pageSize;
  if (offset + pageSize > LIST_LIMITS.maxOffset) {
    throw invalidRequest(
      'page_too_deep',
      `page ${page} ends ${offset + pageSize} calls past the nearest page start of this listing (the top, or ` +
        `where a page served in the last ${LIST_LIMITS.pageStartTtlSeconds / 60} minutes ended); it may end at most ` +
        `${LIST_LIMITS.maxOffset} past it. Request the pages in order, or follow nextCursor.`,
      'page',
    );
  }

  // 3. One indexed query, newest first, over the account's calls in the createdAt range.
  const result = await deps.calls.list({
    accountId,
    agentId: query.agentId,
    status: query.status,
    campaignId: query.campaignId,
    ...range,
    offset,
    limit: pageSize,
    after: start.after,
  });

  // 4. The next page starts after this page's last call: in the cursor, and remembered for page numbers.
  const last = result.calls.at(-1);
  const next = result.hasMore && last ? { page: page + 1, after: { createdAt: last.createdAt, id: last.id } } : null;
  if (next) await deps.pageStarts.remember(accountId, filters, next);
  return {
    data: result.calls.map(toPublicCall),
    page,
    pageSize,
    hasMore: result.hasMore,
    nextCursor: next ? encodeCursor({ ...next, filters }) : null,
  };
}

function encodeCursor(cursor: Cursor): string {
  return encodeCursorToken(cursor);
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
  const cursor = decodeCursorToken(value) as Cursor;
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
