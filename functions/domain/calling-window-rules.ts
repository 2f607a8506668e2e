import type { CallingWindow } from '#schemas/calling-window';

/**
 * What the lifecycle asks of a call's calling window, without the date library that answers it.
 * The rules themselves (calling-window.ts, on luxon) are a chunk of their own that a use case loads
 * only for a call that carries a window (use-cases/calling-window-rules.ts): a call without one
 * never evaluates a window, so a function's cold start does not load luxon
 * (docs/architecture.md, "Cold start").
 */

/** How far ahead an opening is looked for; beyond it a window counts as never open again. */
export const OPENING_SEARCH_DAYS = 731;

export interface CallingWindowRules {
  /**
   * The first instant at or after `from` at which `window` is open in every one of `zones` (IANA
   * names, already validated), or null if there is none within OPENING_SEARCH_DAYS. An empty
   * `zones` means no zone constrains the window: `from` itself.
   */
  nextOpening(window: CallingWindow, zones: readonly string[], from: Date): Date | null;
}

/**
 * When an attempt meant for `due` may be dialed: `due` itself if the window is open then, else the
 * window's next opening after it; null if the window never opens again (within the horizon).
 * Without a window, `due` unchanged, and `rules` is not asked.
 */
export function dialTimeWithin(
  rules: CallingWindowRules,
  window: CallingWindow | null,
  zones: readonly string[] | null,
  due: Date,
): Date | null {
  if (window === null) return due;
  return rules.nextOpening(window, zones ?? [], due);
}
