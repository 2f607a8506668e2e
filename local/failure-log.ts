import { describeFailure } from '../functions/handlers/batch-failures.ts';

/** How a background loop of the local stack reports failures it retries. */
export interface FailureLog {
  /** Reports the failure in one line (no stack trace), unless this streak was reported already or `quiet` says so. */
  failed(error: unknown): void;
  /** Ends the streak: the next failure is reported again. */
  succeeded(): void;
}

/**
 * One line per streak of failures rather than a stack trace per retry: an emulator that is down
 * (or restarting, while `quiet()` is true: the stack has said so itself) costs one line, not
 * hundreds. The line carries the error's type and message, masked as the functions' failure
 * descriptions are (no phone numbers).
 */
export function failureLog(what: string, quiet: () => boolean = () => false): FailureLog {
  let reported = false;
  return {
    failed(error) {
      if (reported || quiet()) return;
      reported = true;
      const { errorType, errorMessage } = describeFailure(error);
      console.error(`${what} failed (${errorType}${errorMessage ? `: ${errorMessage}` : ''}); retrying quietly`);
    },
    succeeded() {
      reported = false;
    },
  };
}
