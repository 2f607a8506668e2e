import type { SQSClient } from '@aws-sdk/client-sqs';
import type { DeliveryMessage } from '#schemas/webhooks';
import type { DeliveryQueue } from '#ports/webhooks';
import type { ClientSource } from '../client-source.ts';
import { sendJson } from './send-json.ts';

export class SqsDeliveryQueue implements DeliveryQueue {
  constructor(
    private readonly sqs: ClientSource<SQSClient>,
    private readonly queueUrl: string,
    private readonly deadLetterQueueUrl: string,
  ) {}

  send(message: DeliveryMessage, delaySeconds: number): Promise<void> {
    return sendJson(this.sqs, this.queueUrl, message, delaySeconds);
  }

  park(message: DeliveryMessage): Promise<void> {
    return sendJson(this.sqs, this.deadLetterQueueUrl, message);
  }
}
