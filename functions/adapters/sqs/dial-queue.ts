import type { SQSClient } from '@aws-sdk/client-sqs';
import type { DialMessage } from '#schemas/dial-message';
import type { DialQueue } from '#ports/dispatch';
import type { ClientSource } from '../client-source.ts';
import { sendJson } from './send-json.ts';

export class SqsDialQueue implements DialQueue {
  constructor(
    private readonly sqs: ClientSource<SQSClient>,
    private readonly queueUrl: string,
  ) {}

  send(message: DialMessage, delaySeconds: number): Promise<void> {
    return sendJson(this.sqs, this.queueUrl, message, delaySeconds);
  }
}
