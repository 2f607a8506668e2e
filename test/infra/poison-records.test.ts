import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { STREAM_EVENT_SOURCE } from '../../infra/constructs/customer-webhooks.ts';
import { BACKGROUND_HANDLERS } from '../../functions/handlers/routes.ts';
import { buildStack, resourcesOfType, templateOf, type CfnTemplate } from './stack-fixture.ts';

type Statement = { Action: string | string[]; Resource: unknown };

/** Where each consumer parks what it can never process, and that it may (docs/runbook.md, "Poison records"). */
describe('poison records in the CDK stack', () => {
  let json: CfnTemplate;
  let functionId: (handler: string) => string;

  beforeAll(() => {
    const { stack } = buildStack('prod');
    json = templateOf(stack).toJSON() as CfnTemplate;
    functionId = (handler) => stack.getLogicalId(stack.functions[handler]?.node.defaultChild as CfnFunction);
  });

  const queueId = (prefix: string) =>
    resourcesOfType(json, 'AWS::SQS::Queue').find(([id]) => id.startsWith(prefix))?.[0] as string;
  const variables = (handler: string) =>
    json.Resources[functionId(handler)]?.Properties?.Environment.Variables as Record<string, unknown>;
  const maySendTo = (handler: string, queue: string) => {
    const role = json.Resources[functionId(handler)]?.Properties?.Role['Fn::GetAtt'][0];
    return resourcesOfType(json, 'AWS::IAM::Policy')
      .filter(([, policy]) => policy.Properties?.Roles.some((ref: { Ref: string }) => ref.Ref === role))
      .flatMap(([, policy]) => policy.Properties?.PolicyDocument.Statement as Statement[])
      .some(
        (s) =>
          [s.Action].flat().includes('sqs:SendMessage') &&
          [s.Resource].flat().some((r) => JSON.stringify(r) === JSON.stringify({ 'Fn::GetAtt': [queue, 'Arn'] })),
      );
  };

  it('tells the dialer its dead-letter queue and lets it park messages there', () => {
    const dlq = queueId('DispatchDialDeadLetterQueue');
    expect(variables(BACKGROUND_HANDLERS.dialer).DIAL_DLQ_URL).toEqual({ Ref: dlq });
    expect(maySendTo(BACKGROUND_HANDLERS.dialer, dlq)).toBe(true);
    expect(maySendTo(BACKGROUND_HANDLERS.reconciler, dlq)).toBe(false);
  });

  it('lets the delivery function park in its dead-letter queue', () => {
    const dlq = queueId('WebhooksDeliveryDeadLetterQueue');
    expect(variables(BACKGROUND_HANDLERS.webhookDelivery).DELIVERY_DLQ_URL).toEqual({ Ref: dlq });
    expect(maySendTo(BACKGROUND_HANDLERS.webhookDelivery, dlq)).toBe(true);
  });

  it('tells the events function its on-failure destination, which it parks records in too, and retries with the settings the local poller plays', () => {
    const failures = queueId('WebhooksStreamFailureQueue');
    expect(variables(BACKGROUND_HANDLERS.eventsStream).STREAM_FAILURE_QUEUE_URL).toEqual({ Ref: failures });
    expect(maySendTo(BACKGROUND_HANDLERS.eventsStream, failures)).toBe(true);
    const [, mapping] =
      resourcesOfType(json, 'AWS::Lambda::EventSourceMapping').find(
        ([, m]) => m.Properties?.FunctionName?.Ref === functionId(BACKGROUND_HANDLERS.eventsStream),
      ) ?? [];
    expect(mapping?.Properties).toMatchObject({
      BisectBatchOnFunctionError: STREAM_EVENT_SOURCE.bisectBatchOnError,
      MaximumRetryAttempts: STREAM_EVENT_SOURCE.retryAttempts,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [failures, 'Arn'] } } },
    });
  });
});
