import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { LAST_24_HOURS, MIN_EVENTS_FOR_RATIO } from '../../infra/constructs/service-monitoring.ts';
import { STAGES, type StageName } from '../../infra/stacks/stage-config.ts';
import { buildStack } from './stack-fixture.ts';

/*
 * The alarms and dashboard widgets on the business metrics must reference series the functions
 * write: functions/adapters/cloudwatch/emf-metrics.ts publishes each point in the namespace
 * POWERTOOLS_METRICS_NAMESPACE with dimension `service`, once alone (the total) and once per
 * dimension set (test/unit/emf-metrics.test.ts proves those lines).
 */
const NAMESPACE = 'OutboundCalls';
const SERVICE = { Name: 'service', Value: 'outbound-calls' };

type Props = Record<string, any>;

function synthesized(stage: StageName) {
  const template = Template.fromStack(buildStack(stage).stack);
  const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties as Props);
  const [topicId] = Object.keys(template.findResources('AWS::SNS::Topic'));
  const [dashboard] = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
  // The body is an Fn::Join of strings and tokens (the region, inside JSON strings): joined with a
  // placeholder for each token it is the dashboard's JSON.
  const parts: unknown[] = dashboard?.Properties?.DashboardBody['Fn::Join'][1];
  const body: { widgets: Array<{ type: string; properties: Props }> } = JSON.parse(
    parts.map((part) => (typeof part === 'string' ? part : 'TOKEN')).join(''),
  );
  const alarm = (name: string) => {
    const found = alarms.filter((a) => String(a.AlarmDescription).includes(`(${name})`));
    expect(found, name).toHaveLength(1);
    return found[0] as Props;
  };
  return { alarms, alarm, topicId, body };
}

/** The metric of one id in an alarm's Metrics list, its dimensions sorted by name (their order means nothing). */
function metricOf(alarm: Props, id: string): Props | undefined {
  const stat = (alarm.Metrics as Props[]).find((m) => m.Id === id)?.MetricStat as Props | undefined;
  if (!stat) return undefined;
  const dimensions = [...stat.Metric.Dimensions].sort((a: Props, b: Props) => (a.Name < b.Name ? -1 : 1));
  return { ...stat, Metric: { ...stat.Metric, Dimensions: dimensions } };
}

describe.each(['dev', 'prod'] as const)('business alarms of %s', (stage) => {
  const { alarm, topicId, body } = synthesized(stage);
  const thresholds = STAGES[stage].alarms;

  it('DispatchLagHigh: p90 of DispatchLag (total series) over the stage threshold, twice in a row', () => {
    const lag = alarm('DispatchLagHigh');
    expect(lag).toMatchObject({
      Namespace: NAMESPACE,
      MetricName: 'DispatchLag',
      Dimensions: [SERVICE],
      ExtendedStatistic: 'p90',
      Period: 300,
      Threshold: thresholds.dispatchLagP90.toMilliseconds(),
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 2,
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: topicId }],
      OKActions: [{ Ref: topicId }],
    });
  });

  it('CallFailureRate: failed CallOutcomes over all CallOutcomes, in percent, with a minimum volume', () => {
    const rate = alarm('CallFailureRate');
    expect(rate.Threshold).toBe(thresholds.callFailurePercent);
    expect(rate.ComparisonOperator).toBe('GreaterThanThreshold');
    expect(rate.AlarmActions).toEqual([{ Ref: topicId }]);
    const expression = (rate.Metrics as Props[]).find((m) => m.Expression);
    expect(expression?.Expression).toBe(`IF(ended >= ${MIN_EVENTS_FOR_RATIO}, 100 * failed / ended, 0)`);
    expect(metricOf(rate, 'ended')).toEqual({
      Metric: { Namespace: NAMESPACE, MetricName: 'CallOutcomes', Dimensions: [SERVICE] },
      Period: 900,
      Stat: 'Sum',
    });
    expect(metricOf(rate, 'failed')).toEqual({
      Metric: {
        Namespace: NAMESPACE,
        MetricName: 'CallOutcomes',
        Dimensions: [{ Name: 'Status', Value: 'failed' }, SERVICE],
      },
      Period: 900,
      Stat: 'Sum',
    });
  });

  it('WebhookDeliveryFailureRate: failed and parked deliveries over all attempts, in percent', () => {
    const rate = alarm('WebhookDeliveryFailureRate');
    expect(rate.Threshold).toBe(thresholds.webhookFailurePercent);
    expect(rate.AlarmActions).toEqual([{ Ref: topicId }]);
    const expression = (rate.Metrics as Props[]).find((m) => m.Expression);
    expect(expression?.Expression).toContain('100 * (FILL(failed, 0) + FILL(parked, 0)) / attempts');
    expect(metricOf(rate, 'attempts')?.Metric).toEqual({
      Namespace: NAMESPACE,
      MetricName: 'WebhookDeliveries',
      Dimensions: [SERVICE],
    });
    for (const result of ['failed', 'parked']) {
      expect(metricOf(rate, result)?.Metric).toEqual({
        Namespace: NAMESPACE,
        MetricName: 'WebhookDeliveries',
        Dimensions: [{ Name: 'Result', Value: result }, SERVICE],
      });
    }
  });

  it('PoisonRecordsParked: any record parked in five minutes', () => {
    expect(alarm('PoisonRecordsParked')).toMatchObject({
      Namespace: NAMESPACE,
      MetricName: 'PoisonRecordsParked',
      Dimensions: [SERVICE],
      Statistic: 'Sum',
      Period: 300,
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      AlarmActions: [{ Ref: topicId }],
    });
  });

  it('the dashboard shows calls per minute, dispatch lag, outcomes, deliveries and waits', () => {
    const widgets = new Map(body.widgets.map((w) => [w.properties.title as string, w.properties]));
    const expressions = (title: string) =>
      ((widgets.get(title)?.metrics ?? []) as unknown[][]).flat().flatMap((m) => {
        const expression = (m as Props)?.expression;
        return typeof expression === 'string' ? [expression] : [];
      });
    const metricNames = (title: string) =>
      ((widgets.get(title)?.metrics ?? []) as unknown[][]).flatMap((m) => (m[0] === NAMESPACE ? [m[1]] : []));

    expect(metricNames('Calls created and dialed per minute')).toEqual(['CallsCreated', 'DialAttempts']);
    const options = (title: string) =>
      ((widgets.get(title)?.metrics ?? []) as unknown[][]).map((m) => m[m.length - 1] as Props);
    expect(options('Calls created and dialed per minute').map((o) => [o.stat, o.period])).toEqual([
      ['Sum', 60],
      ['Sum', 60],
    ]);
    expect(options('Dispatch lag (ms): due time to dial').map((o) => o.stat)).toEqual(['p50', 'p90', 'Maximum']);
    expect(metricNames('Dispatch lag (ms): due time to dial')).toEqual(['DispatchLag', 'DispatchLag', 'DispatchLag']);
    expect(metricNames('Call outcomes by status over the dashboard time range')).toEqual(Array(6).fill('CallOutcomes'));
    expect(widgets.get('Call outcomes by status over the dashboard time range')?.setPeriodToTimeRange).toBe(true);
    expect(expressions('Call failure rate (%)')).toEqual([
      `IF(ended >= ${MIN_EVENTS_FOR_RATIO}, 100 * failed / ended, 0)`,
    ]);
    const search = (dimensions: string, metric: string) =>
      `SEARCH('{${NAMESPACE},service,${dimensions}} MetricName="${metric}"', 'Sum', 300)`;
    expect(expressions('Call outcomes by status (per 5 min)')).toEqual([search('Status', 'CallOutcomes')]);
    expect(expressions('Call outcomes by status and end reason (per 5 min)')).toEqual([
      search('Status,EndReason', 'CallOutcomes'),
    ]);
    expect(expressions('Webhook deliveries by result (per 5 min)')).toEqual([search('Result', 'WebhookDeliveries')]);
    expect(expressions('Dial waits by reason (per 5 min)')).toEqual([search('Reason', 'DialWaits')]);
    expect(expressions('Poison records parked by source')).toEqual([search('Source', 'PoisonRecordsParked')]);
  });

  it('answers "how late are calls dialed right now, and how many ended no_answer today" at a glance', () => {
    const widgets = new Map(body.widgets.map((w) => [w.properties.title as string, w]));
    // How late: DispatchLag per minute, its p90 with the alarm's threshold drawn.
    const lag = widgets.get('Dispatch lag (ms): due time to dial');
    expect(lag?.type).toBe('metric');
    const lagMetrics = (lag?.properties.metrics ?? []) as unknown[][];
    expect(lagMetrics.map((m) => [m[1], (m[m.length - 1] as Props).stat, (m[m.length - 1] as Props).period])).toEqual([
      ['DispatchLag', 'p50', 60],
      ['DispatchLag', 'p90', 60],
      ['DispatchLag', 'Maximum', 60],
    ]);
    expect(lag?.properties.annotations.horizontal[0].value).toBe(thresholds.dispatchLagP90.toMilliseconds());

    // How many ended no_answer: a number per status summed over the last 24 hours, whatever the
    // dashboard's own range, and a table by status and end reason over the same day.
    const byStatus = widgets.get('Calls ended in the last 24 hours, by status');
    expect(byStatus?.type).toBe('metric');
    expect(byStatus?.properties).toMatchObject({
      view: 'singleValue',
      start: LAST_24_HOURS,
      setPeriodToTimeRange: true,
    });
    const noAnswer = ((byStatus?.properties.metrics ?? []) as unknown[][]).find(
      (m) => (m[m.length - 1] as Props).label === 'no_answer',
    );
    expect(noAnswer?.slice(0, 4)).toEqual([NAMESPACE, 'CallOutcomes', 'Status', 'no_answer']);
    expect(noAnswer?.slice(4, 6)).toEqual(['service', SERVICE.Value]);
    expect(noAnswer?.[noAnswer.length - 1]).toMatchObject({ stat: 'Sum' });
    const byReason = widgets.get('Calls ended in the last 24 hours, by status and end reason');
    expect(byReason?.type).toBe('metric');
    expect(byReason?.properties).toMatchObject({
      view: 'table',
      start: LAST_24_HOURS,
      period: 86_400,
      table: { summaryColumns: ['SUM'], showTimeSeriesData: false },
    });
    expect((((byReason?.properties.metrics ?? []) as unknown[][]).flat()[0] as Props).expression).toBe(
      `SEARCH('{${NAMESPACE},service,Status,EndReason} MetricName="CallOutcomes"', 'Sum', 86400)`,
    );
  });
});
