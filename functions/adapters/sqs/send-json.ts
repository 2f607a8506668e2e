import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';

/** Sends a JSON message, visible after `delaySeconds` (SQS allows 0–900). */
export async function sendJson(sqs: SQSClient, queueUrl: string, message: unknown, delaySeconds = 0): Promise<void> {
  await sqs.send(
    new SendMessageCommand({
      QueueUrl: queueUrl,
      MessageBody: JSON.stringify(message),
      DelaySeconds: Math.max(0, Math.min(900, Math.round(delaySeconds))),
    }),
  );
}
