import { Aws, Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { TERMINAL_STATUSES } from '../../functions/domain/call-status-machine.ts';
import type { StageConfig } from '../stacks/stage-config.ts';
import type { ServiceApi } from './service-api.ts';
import { POWERTOOLS_ENVIRONMENT, type ServiceFunction } from './service-function.ts';

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
const FIFTEEN_MINUTES = Duration.minutes(15);
/** A widget's own time range: the 24 hours up to now, whatever range the dashboard shows. */
export const LAST_24_HOURS = '-PT24H';

/**
 * Fewest events in a ratio alarm's period for the ratio to count: below it the expression is 0, so
 * that one failed call out of two at night pages nobody (the DLQ and error alarms still do).
 */
export const MIN_EVENTS_FOR_RATIO = 10;

/**
 * A business metric as the functions write it (functions/adapters/cloudwatch/emf-metrics.ts): in
 * the POWERTOOLS_METRICS_NAMESPACE namespace, always with dimension `service`, plus the dimensions
 * of one of the metric's dimension sets (functions/use-cases/business-metrics.ts); none is the total.
 */
export function businessMetric(
  metricName: string,
  dimensions: Record<string, string> = {},
  props: cloudwatch.MetricOptions = {},
): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: POWERTOOLS_ENVIRONMENT.POWERTOOLS_METRICS_NAMESPACE,
    metricName,
    dimensionsMap: { service: POWERTOOLS_ENVIRONMENT.POWERTOOLS_SERVICE_NAME, ...dimensions },
    ...props,
  });
}

/** Every series of a business metric by the dimensions given (a dashboard SEARCH: alarms cannot use it). */
function businessSearch(metricName: string, dimensions: string[], statistic: string, period: Duration, label: string) {
  const schema = [POWERTOOLS_ENVIRONMENT.POWERTOOLS_METRICS_NAMESPACE, 'service', ...dimensions].join(',');
  return new cloudwatch.MathExpression({
    label,
    expression: `SEARCH('{${schema}} MetricName="${metricName}"', '${statistic}', ${period.toSeconds()})`,
    usingMetrics: {},
    period,
  });
}

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
    this.businessAlarmsAndWidgets(thresholds);
    this.dashboard.addWidgets(new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24 }));
  }

  /**
   * Alarms and widgets on the business metrics (functions/ports/metrics.ts): how late calls are
   * dialed, how many fail, whether customer webhooks arrive, and records set aside. Each alarm has a
   * section of the same name in docs/runbook.md.
   */
  private businessAlarmsAndWidgets(thresholds: StageConfig['alarms']) {
    const sum = (name: string, dimensions: Record<string, string> = {}, period = FIVE_MINUTES) =>
      businessMetric(name, dimensions, { statistic: 'Sum', period });

    const lagP90 = businessMetric('DispatchLag', {}, { statistic: 'p90', period: FIVE_MINUTES });
    this.alarm(
      'DispatchLagHigh',
      `Calls are dialed late: the p90 of DispatchLag was over ${thresholds.dispatchLagP90.toHumanString()} in two five-minute periods in a row; docs/runbook.md (DispatchLagHigh).`,
      {
        metric: lagP90,
        threshold: thresholds.dispatchLagP90.toMilliseconds(),
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 2,
      },
    );

    const failedPercent = new cloudwatch.MathExpression({
      label: 'Calls failed (%)',
      expression: `IF(ended >= ${MIN_EVENTS_FOR_RATIO}, 100 * failed / ended, 0)`,
      usingMetrics: {
        ended: sum('CallOutcomes', {}, FIFTEEN_MINUTES),
        failed: sum('CallOutcomes', { Status: 'failed' }, FIFTEEN_MINUTES),
      },
      period: FIFTEEN_MINUTES,
    });
    this.alarm(
      'CallFailureRate',
      `More than ${thresholds.callFailurePercent}% of the calls that ended in fifteen minutes ended failed (at least ${MIN_EVENTS_FOR_RATIO} ended); docs/runbook.md (CallFailureRate).`,
      {
        metric: failedPercent,
        threshold: thresholds.callFailurePercent,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      },
    );

    const deliveryFailedPercent = new cloudwatch.MathExpression({
      label: 'Webhook deliveries failed (%)',
      expression: `IF(attempts >= ${MIN_EVENTS_FOR_RATIO}, 100 * (FILL(failed, 0) + FILL(parked, 0)) / attempts, 0)`,
      usingMetrics: {
        attempts: sum('WebhookDeliveries', {}, FIFTEEN_MINUTES),
        failed: sum('WebhookDeliveries', { Result: 'failed' }, FIFTEEN_MINUTES),
        parked: sum('WebhookDeliveries', { Result: 'parked' }, FIFTEEN_MINUTES),
      },
      period: FIFTEEN_MINUTES,
    });
    this.alarm(
      'WebhookDeliveryFailureRate',
      `More than ${thresholds.webhookFailurePercent}% of webhook delivery attempts in fifteen minutes failed or were parked (at least ${MIN_EVENTS_FOR_RATIO} attempts); docs/runbook.md (WebhookDeliveryFailureRate).`,
      {
        metric: deliveryFailedPercent,
        threshold: thresholds.webhookFailurePercent,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      },
    );

    this.alarm(
      'PoisonRecordsParked',
      'A record no retry could fix was set aside in a dead-letter or failure queue; docs/runbook.md (PoisonRecordsParked).',
      {
        metric: sum('PoisonRecordsParked'),
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      },
    );

    const ONE_MINUTE = Duration.minutes(1);
    const ONE_DAY = Duration.days(1);
    const graph = (title: string, left: cloudwatch.IMetric[], width = 8) =>
      new cloudwatch.GraphWidget({ title, left, width, height: 6 });
    this.dashboard.addWidgets(
      graph('Calls created and dialed per minute', [
        sum('CallsCreated', {}, ONE_MINUTE).with({ label: 'created' }),
        sum('DialAttempts', {}, ONE_MINUTE).with({ label: 'dial attempts' }),
      ]),
      new cloudwatch.GraphWidget({
        title: 'Dispatch lag (ms): due time to dial',
        left: [
          businessMetric('DispatchLag', {}, { statistic: 'p50', period: ONE_MINUTE, label: 'p50' }),
          businessMetric('DispatchLag', {}, { statistic: 'p90', period: ONE_MINUTE, label: 'p90' }),
          businessMetric('DispatchLag', {}, { statistic: 'Maximum', period: ONE_MINUTE, label: 'max' }),
        ],
        leftAnnotations: [{ value: thresholds.dispatchLagP90.toMilliseconds(), label: 'DispatchLagHigh (p90)' }],
        width: 8,
        height: 6,
      }),
      graph('Call failure rate (%)', [failedPercent]),
    );
    // "How many ended no_answer today": the last 24 hours whatever the dashboard's time range.
    this.dashboard.addWidgets(
      new cloudwatch.SingleValueWidget({
        title: 'Calls ended in the last 24 hours, by status',
        metrics: TERMINAL_STATUSES.map((status) =>
          sum('CallOutcomes', { Status: status }, ONE_DAY).with({ label: status }),
        ),
        start: LAST_24_HOURS,
        setPeriodToTimeRange: true,
        width: 12,
        height: 6,
      }),
      new cloudwatch.TableWidget({
        title: 'Calls ended in the last 24 hours, by status and end reason',
        metrics: [businessSearch('CallOutcomes', ['Status', 'EndReason'], 'Sum', ONE_DAY, '')],
        start: LAST_24_HOURS,
        period: ONE_DAY,
        summary: { columns: [cloudwatch.TableSummaryColumn.SUM], hideNonSummaryColumns: true },
        width: 12,
        height: 6,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.SingleValueWidget({
        title: 'Call outcomes by status over the dashboard time range',
        metrics: TERMINAL_STATUSES.map((status) =>
          sum('CallOutcomes', { Status: status }, FIVE_MINUTES).with({ label: status }),
        ),
        setPeriodToTimeRange: true,
        width: 24,
        height: 3,
      }),
    );
    this.dashboard.addWidgets(
      graph(
        'Call outcomes by status (per 5 min)',
        [businessSearch('CallOutcomes', ['Status'], 'Sum', FIVE_MINUTES, '')],
        12,
      ),
      graph(
        'Call outcomes by status and end reason (per 5 min)',
        [businessSearch('CallOutcomes', ['Status', 'EndReason'], 'Sum', FIVE_MINUTES, '')],
        12,
      ),
    );
    this.dashboard.addWidgets(
      graph('Webhook deliveries by result (per 5 min)', [
        businessSearch('WebhookDeliveries', ['Result'], 'Sum', FIVE_MINUTES, ''),
      ]),
      graph('Dial waits by reason (per 5 min)', [businessSearch('DialWaits', ['Reason'], 'Sum', FIVE_MINUTES, '')]),
      graph('Poison records parked by source', [
        businessSearch('PoisonRecordsParked', ['Source'], 'Sum', FIVE_MINUTES, ''),
      ]),
    );
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
