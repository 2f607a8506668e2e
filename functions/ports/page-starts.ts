import type { CallPosition } from './call-repository.ts';

/** Where a page of a listing starts: after this call (page 1 starts at the top and is never stored). */
export interface PageStart {
  page: number;
  after: CallPosition;
}

/**
 * Remembers, for a short time (LIST_LIMITS.pageStartTtlSeconds), where each page of a listing
 * starts: the position of the last call of the page before it, as served. A listing is one
 * account's calls under one set of filters and one page size (`listing` is that set, as a string).
 * With it, page N+1 by number starts where page N ended, at the cost of a cursor hop, instead of
 * skipping N × pageSize calls.
 */
export interface PageStarts {
  /** The remembered start of page `page` of the listing, or of the nearest page before it; null if none is. */
  nearest(accountId: string, listing: string, page: number): Promise<PageStart | null>;
  /** Remembers where page `start.page` of the listing starts, replacing what was remembered for it. */
  remember(accountId: string, listing: string, start: PageStart): Promise<void>;
}
