import { reconcile } from '#use-cases/reconcile';
import { logger } from './http/logger.ts';
import { calls } from './composition/table.ts';
import { callEventDeps, providers } from './composition/telephony.ts';

/** Runs every minute: settles calls that stopped moving, and keeps slot counters true. */
export const handler = async (): Promise<void> => {
  const report = await reconcile({ ...callEventDeps, calls, providers });
  logger.info('Reconciled', { ...report });
};
