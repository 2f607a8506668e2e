import type { Context } from 'aws-lambda';
import { reconcile } from '#use-cases/reconcile';
import { loggedFailure } from './batch-failures.ts';
import { logger } from './logger.ts';
import { scheduleHandler } from './middleware/bundles.ts';
import { reconcileDeps } from './composition/telephony.ts';

/** Runs every minute: settles calls that stopped moving, and keeps slot counters true. */
export const handler = scheduleHandler(async (_event: unknown, context: Context): Promise<void> => {
  // Stop taking new calls with 15 seconds to spare (a provider request may take 10).
  const remainingMs = context.getRemainingTimeInMillis?.() ?? 60_000;
  const deadline = new Date(Date.now() + Math.max(0, remainingMs - 15_000));
  const onCallError = (callId: string, error: unknown) =>
    logger.error('Could not settle a call; it is looked at again later', { callId, ...loggedFailure(error) });
  const report = await reconcile({ ...reconcileDeps, onCallError, deadline });
  logger.info('Reconciled', { ...report });
});
