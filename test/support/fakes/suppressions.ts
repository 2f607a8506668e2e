import type { Suppression } from '#schemas/suppressions';
import type { SuppressionPage, SuppressionStore } from '#ports/suppressions';

/** The suppression list in memory, one map per account, listed in number order. */
export class InMemorySuppressionStore implements SuppressionStore {
  private readonly lists = new Map<string, Map<string, Suppression>>();

  private listOf(accountId: string): Map<string, Suppression> {
    const list = this.lists.get(accountId) ?? new Map<string, Suppression>();
    this.lists.set(accountId, list);
    return list;
  }

  async add(accountId: string, suppression: Suppression) {
    const existing = this.listOf(accountId).get(suppression.phoneNumber);
    if (existing) return { suppression: existing, created: false };
    this.listOf(accountId).set(suppression.phoneNumber, suppression);
    return { suppression, created: true };
  }

  async remove(accountId: string, phoneNumber: string): Promise<boolean> {
    return this.listOf(accountId).delete(phoneNumber);
  }

  /** Whether the number is on the account's list, at once (InMemoryCallTable's checks inside its writes). */
  has(accountId: string, phoneNumber: string): boolean {
    return this.listOf(accountId).has(phoneNumber);
  }

  async suppressedAmong(accountId: string, phoneNumbers: readonly string[]): Promise<Set<string>> {
    return new Set(phoneNumbers.filter((number) => this.listOf(accountId).has(number)));
  }

  async list(accountId: string, page: { offset: number; limit: number; after?: string }): Promise<SuppressionPage> {
    const sorted = [...this.listOf(accountId).values()]
      .sort((a, b) => (a.phoneNumber < b.phoneNumber ? -1 : 1))
      .filter((entry) => page.after === undefined || entry.phoneNumber > page.after);
    return {
      suppressions: sorted.slice(page.offset, page.offset + page.limit),
      hasMore: sorted.length > page.offset + page.limit,
    };
  }
}
