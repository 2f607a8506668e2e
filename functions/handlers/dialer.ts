import { SqsDeadLetterQueue } from '#adapters/sqs/dead-letter-queue';
import { DialQueueMessageSchema } from '#schemas/dial-message';
import { DialDeadLetterEnvSchema, parseEnv } from '#schemas/env';
import { dialWaited } from '#use-cases/business-metrics';
import { dialCall } from '#use-cases/dial-call';
import { sweepCampaign } from '#use-cases/campaign-sweeps';
import { logger } from './logger.ts';
import { tracing } from './tracing.ts';
import { sqsBatchHandler } from './sqs-batch.ts';
import { sqsClient } from './composition/clients.ts';
import { queue, sweeps } from './composition/dispatch.ts';
import { metrics } from './composition/observability.ts';
import { dialDeps } from './composition/telephony.ts';

const deadLetters = new SqsDeadLetterQueue(sqsClient, parseEnv(DialDeadLetterEnvSchema, process.env).DIAL_DLQ_URL);

/**
 * The dial queue's consumer: each message is one attempt of one call, dialed at most once; or one
 * page of a campaign's resume or cancel (use-cases/campaign-sweeps.ts), or of the calls of the
 * contacts its request had no time for (use-cases/campaign-contacts.ts), which sends the next page.
 */
export const handler = sqsBatchHandler(
  'dial',
  DialQueueMessageSchema,
  async (message) => {
    if ('kind' in message && message.kind === 'campaignContacts') {
      // Loaded on the first such message: the cold start of a dialer that only dials stays as it was.
      const [{ continueCampaignContacts }, { contactsDeps }] = await Promise.all([
        import('#use-cases/campaign-contacts'),
        import('./composition/campaign-contacts.ts'),
      ]);
      const { created, next } = await continueCampaignContacts(contactsDeps, message);
      logger.info('Campaign contacts page handled', {
        campaignId: message.campaignId,
        from: message.from,
        created,
        more: next !== null,
      });
      return;
    }
    if ('kind' in message) {
      const { handled, next } = await sweepCampaign({ ...dialDeps, sweeps }, message);
      logger.info('Campaign sweep page handled', {
        campaignId: message.campaignId,
        action: message.action,
        status: message.status,
        handled,
        more: next !== null,
      });
      return;
    }
    await tracing.span('dial call', { callId: message.callId, accountId: message.accountId }, async () => {
      const outcome = await dialCall(dialDeps, message);
      if (outcome.result === 'later') {
        await queue.send(outcome.message, outcome.delaySeconds);
        metrics.record(dialWaited(outcome.reason));
      }
      const handled = {
        callId: message.callId,
        attempt: message.attempt,
        result: outcome.result,
        ...('reason' in outcome ? { reason: outcome.reason } : {}),
      };
      if (outcome.result === 'placed_unknown')
        logger.warn("The provider's answer to a dial was lost; its reports will settle the call", handled);
      else logger.info('Dial message handled', handled);
    });
  },
  deadLetters,
);
