import type { Clock } from '#ports/clock';
import type { PageStart, PageStarts } from '#ports/page-starts';
import { LIST_LIMITS } from '#schemas/list-calls-query';

/**
 * Page starts in memory, with the DynamoDB adapter's rules: each lives LIST_LIMITS.pageStartTtlSeconds
 * by the clock, and `nearest` finds the one at or before the page asked for. `nearestAsked` counts lookups.
 */
export class InMemoryPageStarts implements PageStarts {
  private readonly starts = new Map<string, { start: PageStart; expiresAt: number }>();
  nearestAsked = 0;

  constructor(private readonly clock: Clock) {}

  async nearest(accountId: string, listing: string, page: number): Promise<PageStart | null> {
    this.nearestAsked += 1;
    const now = this.clock.now().getTime();
    let best: PageStart | null = null;
    for (const [key, { start, expiresAt }] of this.starts) {
      if (!key.startsWith(`${accountId}|${listing}|`) || expiresAt <= now || start.page > page) continue;
      if (!best || start.page > best.page) best = start;
    }
    return best ? structuredClone(best) : null;
  }

  async remember(accountId: string, listing: string, start: PageStart): Promise<void> {
    this.starts.set(`${accountId}|${listing}|${start.page}`, {
      start: structuredClone(start),
      expiresAt: this.clock.now().getTime() + LIST_LIMITS.pageStartTtlSeconds * 1000,
    });
  }
}
