import type { Transport } from './transport.js';

/** Query values as the SDK sends them; undefined ones are left out. */
export type Query = Record<string, string | number | undefined>;

/**
 * Every item of a paged list, fetched a page at a time as the loop goes. The first request sends
 * `filters` (with `page`, if given); each next one sends the same filters with the previous page's
 * `nextCursor` as `cursor` and without `page`: the API wants the filters again with a cursor, and
 * answers 400 if they differ from the first request's.
 */
export async function* paginate<T>(
  transport: Transport,
  path: string,
  filters: Query,
): AsyncGenerator<T, void, undefined> {
  let query: Query = { ...filters };
  for (;;) {
    const page = await transport.request<{ data: T[]; nextCursor?: string | null }>({ method: 'GET', path, query });
    yield* page.data;
    if (page.nextCursor === null || page.nextCursor === undefined) return;
    query = { ...filters, page: undefined, cursor: page.nextCursor };
  }
}

/** A path segment from an id given by the caller: refused when empty, escaped otherwise. */
export function pathSegment(name: string, value: string, example: string): string {
  if (typeof value !== 'string' || value === '')
    throw new TypeError(`${name} must be a non-empty string, such as "${example}".`);
  return encodeURIComponent(value);
}
