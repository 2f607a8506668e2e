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
