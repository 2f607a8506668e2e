import type { SQSClient } from '@aws-sdk/client-sqs';
import { MAX_QUEUE_DELAY_SECONDS } from '#ports/dispatch';
import { type ClientSource, clientOf } from '../client-source.ts';
import { sendSettled } from '../send-settled.ts';

/**
 * Sends a JSON message, visible after `delaySeconds` (SQS allows 0–MAX_QUEUE_DELAY_SECONDS). The SDK's commands are
 * imported on first use, with the client (client-source.ts). Settled (sendSettled): when every try
 * went unanswered, the same message is sent once more, so a send does not fail only because the
 * SDK's retry quota is spent; a repeat is one more copy of the same message, which SQS's
 * at-least-once delivery already makes every consumer recognise (the dial and delivery claims).
 * Rejects as SQS answered, or with OutcomeUnknownError.
 */
export async function sendJson(
  sqs: ClientSource<SQSClient>,
  queueUrl: string,
  message: unknown,
  delaySeconds = 0,
): Promise<void> {
  const [client, { SendMessageCommand }] = await Promise.all([clientOf(sqs), import('@aws-sdk/client-sqs')]);
  const input = {
    QueueUrl: queueUrl,
    MessageBody: JSON.stringify(message),
    DelaySeconds: Math.max(0, Math.min(MAX_QUEUE_DELAY_SECONDS, Math.round(delaySeconds))),
  };
  await sendSettled((abortSignal) => client.send(new SendMessageCommand(input), { abortSignal }));
}
