import type { CallingWindowRules } from '#domain/calling-window-rules';
import type { CallingWindow } from '#schemas/calling-window';

/** For a call without a window: the lifecycle never asks it (dialTimeWithin and the dial gate skip it). */
const NO_WINDOW: CallingWindowRules = {
  nextOpening: () => {
    throw new Error('A call without a calling window asked for its next opening');
  },
};

let loading: Promise<CallingWindowRules> | null = null;

/**
 * The calling-window rules for a call whose window is `window` (null: none). The rules
 * (domain/calling-window.ts, on luxon, about 70 KB) are loaded with a dynamic import the first time
 * a call with a window needs them, then kept: the bundler puts them in a chunk of their own, so a
 * cold start, and every call without a window, never loads them (docs/architecture.md, "Cold
 * start"). Rejects only if that module cannot be loaded; a later call tries again.
 */
export function callingWindowRulesFor(window: CallingWindow | null): Promise<CallingWindowRules> {
  if (window === null) return Promise.resolve(NO_WINDOW);
  loading ??= import('#domain/calling-window').then(
    (module) => module.callingWindowRules,
    (error: unknown) => {
      loading = null;
      throw error;
    },
  );
  return loading;
}
