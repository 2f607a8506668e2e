import { Aws, Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { StageConfig } from '../stacks/stage-config.ts';
import type { ServiceApi } from './service-api.ts';
import type { ServiceFunction } from './service-function.ts';

export interface ServiceMonitoringProps {
  functions: readonly ServiceFunction[];
  api: ServiceApi;
  dialQueue: sqs.IQueue;
  /** Every dead-letter queue of the service, by what it holds. */
  deadLetterQueues: Record<string, sqs.IQueue>;
  thresholds: StageConfig['alarms'];
  /** Subscribed to the alarm topic if given (the address confirms by email). */
  alarmEmail?: string;
}

const FIVE_MINUTES = Duration.minutes(5);

/** Alarms that page someone (through one SNS topic) and a dashboard of the same signals. */
export class ServiceMonitoring extends Construct {
  readonly alarmTopic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: ServiceMonitoringProps) {
    super(scope, id);
    this.alarmTopic = new sns.Topic(this, 'AlarmTopic', { displayName: 'Outbound Calls alarms', enforceSSL: true });
    if (props.alarmEmail) this.alarmTopic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));

    const { api, dialQueue, thresholds } = props;
    for (const [name, queue] of Object.entries(props.deadLetterQueues)) {
      this.alarm(
        `${name}NotEmpty`,
        `${name}: messages were set aside (a poison record, or one past its retries); docs/runbook.md (${name}NotEmpty) says how to inspect and redrive them.`,
        {
          metric: queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
          threshold: 0,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        },
      );
    }
    for (const fn of props.functions) {
      this.alarm(
        `${fn.node.id}Errors`,
        `${fn.handlerName}: ${thresholds.functionErrors} or more errors in five minutes.`,
        {
          metric: fn.metricErrors({ period: FIVE_MINUTES, statistic: 'Sum' }),
          threshold: thresholds.functionErrors,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        },
      );
      this.alarm(`${fn.node.id}Throttles`, `${fn.handlerName}: invocations were throttled.`, {
        metric: fn.metricThrottles({ period: FIVE_MINUTES, statistic: 'Sum' }),
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      });
    }
    const api5xxPercent = new cloudwatch.MathExpression({
      label: 'API 5xx (%)',
      expression: 'IF(requests > 0, 100 * errors / requests, 0)',
      usingMetrics: {
        requests: api.httpApi.metricCount({ statistic: 'Sum' }),
        errors: api.httpApi.metricServerError({ statistic: 'Sum' }),
      },
      period: FIVE_MINUTES,
    });
    this.alarm(
      'Api5xxRate',
      `More than ${thresholds.api5xxPercent}% of API requests failed with a 5xx in five minutes.`,
      {
        metric: api5xxPercent,
        threshold: thresholds.api5xxPercent,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      },
    );
    const oldestDialMessage = dialQueue.metricApproximateAgeOfOldestMessage({
      period: Duration.minutes(1),
      statistic: 'Maximum',
    });
    this.alarm(
      'DialQueueBacklog',
      `A call has waited more than ${thresholds.oldestDialMessage.toHumanString()} for the dialer.`,
      {
        metric: oldestDialMessage,
        threshold: thresholds.oldestDialMessage.toSeconds(),
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 3,
      },
    );

    // Dashboard names are global to the account, so the region is part of it.
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: `${Stack.of(this).stackName}-${Aws.REGION}`,
      defaultInterval: Duration.hours(3),
    });
    const graph = (title: string, left: cloudwatch.IMetric[], width = 8) =>
      new cloudwatch.GraphWidget({ title, left, width, height: 6 });
    const perFunction = (metric: (fn: ServiceFunction) => cloudwatch.IMetric) => props.functions.map(metric);
    this.dashboard.addWidgets(
      graph('API requests', [api.httpApi.metricCount({ statistic: 'Sum', period: FIVE_MINUTES })]),
      graph('API errors', [
        api.httpApi.metricClientError({ statistic: 'Sum', period: FIVE_MINUTES }),
        api.httpApi.metricServerError({ statistic: 'Sum', period: FIVE_MINUTES }),
      ]),
      graph('API latency p99 (ms)', [api.httpApi.metricLatency({ statistic: 'p99', period: FIVE_MINUTES })]),
    );
    this.dashboard.addWidgets(
      graph('Dial queue: waiting messages', [
        dialQueue.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum' }),
      ]),
      graph('Dial queue: oldest message (s)', [oldestDialMessage]),
      graph(
        'Dead-letter queues',
        Object.entries(props.deadLetterQueues).map(([name, queue]) =>
          queue.metricApproximateNumberOfMessagesVisible({ label: name, statistic: 'Maximum' }),
        ),
      ),
    );
    const labelled = (name: string, metric: cloudwatch.Metric) => metric.with({ label: name });
    this.dashboard.addWidgets(
      graph(
        'Function errors',
        perFunction((fn) => labelled(fn.handlerName, fn.metricErrors({ period: FIVE_MINUTES }))),
        6,
      ),
      graph(
        'Function throttles',
        perFunction((fn) => labelled(fn.handlerName, fn.metricThrottles({ period: FIVE_MINUTES }))),
        6,
      ),
      graph(
        'Function duration p99 (ms)',
        perFunction((fn) => labelled(fn.handlerName, fn.metricDuration({ statistic: 'p99', period: FIVE_MINUTES }))),
        6,
      ),
      graph(
        'Function invocations',
        perFunction((fn) => labelled(fn.handlerName, fn.metricInvocations({ period: FIVE_MINUTES }))),
        6,
      ),
    );
    this.dashboard.addWidgets(new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24 }));
  }

  private alarm(
    id: string,
    description: string,
    props: Pick<cloudwatch.AlarmProps, 'metric' | 'threshold' | 'comparisonOperator'> & { evaluationPeriods?: number },
  ) {
    const alarm = new cloudwatch.Alarm(this, id, {
      ...props,
      evaluationPeriods: props.evaluationPeriods ?? 1,
      alarmDescription: description,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(new SnsAction(this.alarmTopic));
    alarm.addOkAction(new SnsAction(this.alarmTopic));
    this.alarms.push(alarm);
  }
}
