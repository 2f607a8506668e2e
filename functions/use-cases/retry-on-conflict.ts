import { ConcurrentModificationError } from '#domain/errors';

/**
 * How many times a use case reads, judges and writes a call before it gives up on a write that
 * keeps losing to other writers. Each loss means another writer moved the call (a provider
 * report, a dialer, a cancel), and a call moves through a handful of statuses at most, so five
 * losses in a row point at something wrong rather than at bad luck.
 */
export const CONFLICT_ATTEMPTS = 5;

/**
 * Runs `work` (which reads what it needs afresh, judges it and writes conditionally) and runs it
 * again when its write lost a race (ConcurrentModificationError), up to `attempts` times in all.
 * Resolves with what `work` returned. Rejects with any other error of `work` at once, and with
 * the last ConcurrentModificationError once every attempt lost: never gives up silently. Between
 * attempts it waits a little, at random (10–50 ms times the attempt), so that writers colliding on
 * the same item (many calls of one account ending at once share its slot counter) fall apart.
 */
export async function retryOnConflict<T>(
  work: (attempt: number) => Promise<T>,
  options: { attempts: number } = { attempts: CONFLICT_ATTEMPTS },
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work(attempt);
    } catch (error) {
      if (!(error instanceof ConcurrentModificationError) || attempt >= options.attempts) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, (10 + Math.random() * 40) * attempt));
  }
}
