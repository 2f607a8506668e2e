import type { SQSClient } from '@aws-sdk/client-sqs';
import { type ClientSource, clientOf } from '../client-source.ts';
import { sendSettled } from '../send-settled.ts';

/**
 * A dead-letter queue (or a stream's failure queue) that a consumer parks a record in itself,
 * when retrying could never help: the body as it was, and why as message attributes (strings;
 * SQS allows 10 per message, and they count toward the message size:
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-message-metadata.html).
 * The client and the SDK's commands load on the first record parked (client-source.ts).
 */
export class SqsDeadLetterQueue {
  constructor(
    private readonly sqs: ClientSource<SQSClient>,
    private readonly queueUrl: string,
  ) {}

  async park(body: string, why: Record<string, string>): Promise<void> {
    const [client, { SendMessageCommand }] = await Promise.all([clientOf(this.sqs), import('@aws-sdk/client-sqs')]);
    const input = {
      QueueUrl: this.queueUrl,
      MessageBody: body,
      MessageAttributes: Object.fromEntries(
        Object.entries(why)
          .filter(([, value]) => value !== '')
          .slice(0, 10)
          .map(([name, value]) => [name, { DataType: 'String', StringValue: value }]),
      ),
    };
    // Settled: a repeat parks the same record twice, which an operator reads as one.
    await sendSettled((abortSignal) => client.send(new SendMessageCommand(input), { abortSignal }));
  }
}
