import { describeFailure } from '../functions/handlers/batch-failures.ts';

/** How a background loop of the local stack reports failures it retries. */
export interface FailureLog {
  /** Counts a failure; the streak's second is reported in one line (no stack trace), unless `quiet` says not to. */
  failed(error: unknown): void;
  /** Ends the streak: the next failure is reported again. */
  succeeded(): void;
}

/**
 * One line per streak of failures rather than a stack trace per retry: an emulator that is down
 * costs one line, not hundreds. A streak is reported at its second failure in a row (one that the
 * next try gets past is not worth a line; and by then the stack has noticed an emulator that
 * died), unless `quiet()` says the stack has reported the cause itself (an emulator restarting,
 * or lost). The line carries the error's type and message, masked as the functions' failure
 * descriptions are (no phone numbers).
 */
export function failureLog(what: string, quiet: () => boolean = () => false): FailureLog {
  let failures = 0;
  return {
    failed(error) {
      failures += 1;
      if (failures !== 2 || quiet()) return;
      const { errorType, errorMessage } = describeFailure(error);
      console.error(`${what} failed (${errorType}${errorMessage ? `: ${errorMessage}` : ''}); retrying quietly`);
    },
    succeeded() {
      failures = 0;
    },
  };
}
