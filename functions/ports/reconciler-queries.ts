import type { StoredCall } from '#schemas/call';

/** The reconciler's questions about calls that have not finished. */
export interface ReconcilerQueries {
  /** Calls whose watchdog time (ISO timestamp) is at or before `now`, oldest first, at most `limit`. */
  listWatchdogDue(now: string, limit: number): Promise<StoredCall[]>;
  /** Every call not yet in a terminal status. */
  listUnfinished(): Promise<StoredCall[]>;
}
