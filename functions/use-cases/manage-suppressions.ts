import { invalidRequest, notFound } from '#domain/errors';
import { decodeCursorToken, encodeCursorToken } from '#domain/cursor-token';
import { toTimestamp } from '#domain/time';
import { LIST_LIMITS } from '#schemas/list-calls-query';
import { isE164PhoneNumber } from '#schemas/phone-number';
import type { CreateSuppressionRequest } from '#schemas/suppression-request';
import type { Suppression } from '#schemas/suppressions';
import type { ListSuppressionsQuery } from '#schemas/suppressions';
import type { Clock } from '#ports/clock';
import type { SuppressionStore } from '#ports/suppressions';

export interface SuppressionDeps {
  suppressions: SuppressionStore;
  clock: Clock;
}

export interface SuppressionList {
  data: Suppression[];
  page: number;
  pageSize: number;
  hasMore: boolean;
  nextCursor: string | null;
}

/**
 * POST /api/v1/suppressions: puts a number on the account's list. Idempotent: adding a number
 * already there answers the entry as first stored (its reason and createdAt), `created` false.
 */
export async function addSuppression(
  deps: SuppressionDeps,
  accountId: string,
  request: CreateSuppressionRequest,
): Promise<{ suppression: Suppression; created: boolean }> {
  const entry: Suppression = {
    phoneNumber: request.phoneNumber,
    reason: request.reason ?? null,
    createdAt: toTimestamp(deps.clock.now()),
  };
  return deps.suppressions.add(accountId, entry);
}

/** DELETE /api/v1/suppressions/{phoneNumber}: 404 `suppression_not_found` if the number is not on the list. */
export async function removeSuppression(deps: SuppressionDeps, accountId: string, rawNumber: string): Promise<void> {
  const phoneNumber = phoneNumberFromPath(rawNumber);
  if (!(await deps.suppressions.remove(accountId, phoneNumber))) {
    throw notFound('suppression_not_found', `${phoneNumber} is not on this account's suppression list.`, 'phoneNumber');
  }
}

/**
 * Which of `phoneNumbers` (E.164) the account has suppressed: for a batch of contacts (a campaign)
 * and for one call (create, and again at dial time). Any number of numbers, read in batches.
 */
export function suppressedAmong(
  deps: { suppressions: SuppressionStore },
  accountId: string,
  phoneNumbers: readonly string[],
): Promise<Set<string>> {
  return phoneNumbers.length === 0
    ? Promise.resolve(new Set())
    : deps.suppressions.suppressedAmong(accountId, phoneNumbers);
}

/** Whether the account has suppressed the number. */
export async function isSuppressed(
  deps: { suppressions: SuppressionStore },
  accountId: string,
  phoneNumber: string,
): Promise<boolean> {
  return (await suppressedAmong(deps, accountId, [phoneNumber])).has(phoneNumber);
}

interface Cursor {
  page: number;
  after: string;
  pageSize: number;
}

/** GET /api/v1/suppressions: in number order, paged like GET /api/v1/outbound-calls (page or cursor). */
export async function listSuppressions(
  deps: SuppressionDeps,
  accountId: string,
  query: ListSuppressionsQuery,
): Promise<SuppressionList> {
  const pageSize = query.pageSize ?? LIST_LIMITS.pageSize.default;
  const cursor = query.cursor ? decodeCursor(query.cursor, pageSize) : null;
  if (cursor && query.page !== undefined && query.page !== cursor.page) {
    throw invalidRequest('invalid_cursor', 'page and cursor disagree; send one or the other.', 'page');
  }
  const page = cursor?.page ?? query.page ?? 1;
  const offset = cursor ? 0 : (page - 1) * pageSize;
  if (offset + pageSize > LIST_LIMITS.maxOffset) {
    throw invalidRequest(
      'page_too_deep',
      `page × pageSize may reach at most ${LIST_LIMITS.maxOffset} entries; follow nextCursor to go further.`,
      'page',
    );
  }
  const result = await deps.suppressions.list(accountId, { offset, limit: pageSize, after: cursor?.after });
  const last = result.suppressions.at(-1);
  return {
    data: result.suppressions,
    page,
    pageSize,
    hasMore: result.hasMore,
    nextCursor:
      result.hasMore && last ? encodeCursorToken({ page: page + 1, after: last.phoneNumber, pageSize }) : null,
  };
}

function decodeCursor(value: string, pageSize: number): Cursor {
  const invalid = invalidRequest(
    'invalid_cursor',
    'cursor is not one this listing issued; pass nextCursor from the previous page unchanged, with the same pageSize.',
    'cursor',
  );
  const cursor = decodeCursorToken(value) as Cursor;
  const valid =
    typeof cursor === 'object' &&
    cursor !== null &&
    Number.isInteger(cursor.page) &&
    cursor.page > 1 &&
    typeof cursor.after === 'string' &&
    isE164PhoneNumber(cursor.after) &&
    cursor.pageSize === pageSize;
  if (!valid) throw invalid;
  return cursor;
}

/**
 * The number in DELETE /api/v1/suppressions/{phoneNumber}: E.164, URL-encoded (`%2B14155550199`)
 * or not (`+14155550199`). Anything else is a 400 naming phoneNumber.
 */
export function phoneNumberFromPath(raw: string): string {
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    decoded = '';
  }
  if (!isE164PhoneNumber(decoded)) {
    throw invalidRequest(
      'invalid_phone_number',
      'phoneNumber in the path must be an E.164 number, URL-encoded, such as %2B14155550199.',
      'phoneNumber',
    );
  }
  return decoded;
}
