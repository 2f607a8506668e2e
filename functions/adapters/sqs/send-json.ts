import type { SQSClient } from '@aws-sdk/client-sqs';
import { type ClientSource, clientOf } from '../client-source.ts';

/**
 * Sends a JSON message, visible after `delaySeconds` (SQS allows 0–900). The SDK's commands are
 * imported on first use, with the client (client-source.ts).
 */
export async function sendJson(
  sqs: ClientSource<SQSClient>,
  queueUrl: string,
  message: unknown,
  delaySeconds = 0,
): Promise<void> {
  const [client, { SendMessageCommand }] = await Promise.all([clientOf(sqs), import('@aws-sdk/client-sqs')]);
  await client.send(
    new SendMessageCommand({
      QueueUrl: queueUrl,
      MessageBody: JSON.stringify(message),
      DelaySeconds: Math.max(0, Math.min(900, Math.round(delaySeconds))),
    }),
  );
}
