/**
 * Work a request does after its write has stored something (dispatching a created call, deleting
 * a cancelled call's schedule) must not turn the answer into a 5xx: a 5xx says "nothing happened,
 * retry", and a retry of a create without an Idempotency-Key would dial the person twice. Such
 * work gets this long, in milliseconds, and then the request answers anyway; the service finishes
 * the job itself (the reconciler dispatches a call whose dispatch was not confirmed).
 */
export const AFTER_WRITE_DEADLINE_MS = 2500;

/**
 * Runs `work` for at most `deadlineMs` milliseconds. Resolves with null when it finished, or with
 * why it did not (its error, or a timeout Error); never rejects. Work still running at the deadline
 * is left to finish or fail on its own, and its failure is swallowed.
 */
export async function afterWrite(
  work: () => Promise<unknown>,
  deadlineMs = AFTER_WRITE_DEADLINE_MS,
): Promise<unknown | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<Error>((resolve) => {
    timer = setTimeout(() => resolve(new Error(`not confirmed within ${deadlineMs} ms`)), deadlineMs);
  });
  try {
    const running = Promise.resolve()
      .then(work)
      .then(
        () => null,
        (error: unknown) => error ?? new Error('failed'),
      );
    return await Promise.race([running, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Runs work after a write within a deadline (afterWrite, or one request's share of a budget). */
export type AfterWrite = typeof afterWrite;

/**
 * One deadline for all the work after the writes of a request that writes many calls (a campaign's
 * contacts, a campaign's cancel): each piece gets what is left until `totalMs` from now (at most
 * its own deadline), and once that is spent, work is not started at all and resolves with why, so
 * the request answers for what it stored well inside its own time limit however slow a dependency
 * is. What was not done the service finishes itself, as for afterWrite. Times are the machine's
 * (timers), not the domain clock.
 */
export function afterWriteBudget(totalMs: number): AfterWrite {
  const deadline = Date.now() + totalMs;
  return (work, deadlineMs = AFTER_WRITE_DEADLINE_MS) => {
    const left = Math.min(deadlineMs, deadline - Date.now());
    if (left <= 0) return Promise.resolve(new Error(`the request's ${totalMs} ms for work after its writes is spent`));
    return afterWrite(work, left);
  };
}
