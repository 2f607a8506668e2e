import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { DialMessage } from '#schemas/dial-message';
import type { DialQueue } from '#ports/dispatch';

export class SqsDialQueue implements DialQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async send(message: DialMessage, delaySeconds: number): Promise<void> {
    await this.sqs.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: JSON.stringify(message),
        DelaySeconds: Math.max(0, Math.min(900, Math.round(delaySeconds))),
      }),
    );
  }
}
