/**
 * Business metrics: what the service did, as an operator reads it on the dashboard
 * (docs/runbook.md#business-metrics). The use cases and handlers say what happened through this
 * port; the adapter (adapters/cloudwatch/emf-metrics.ts) writes CloudWatch embedded-metric-format
 * lines, in the namespace POWERTOOLS_METRICS_NAMESPACE.
 */
export type MetricName =
  /** A call was created (not an idempotent replay). Dimension: Dispatch = immediate | scheduled. */
  | 'CallsCreated'
  /** The dialer won a call's gate and asks the provider once. Dimension: KeyMode = live | test. */
  | 'DialAttempts'
  /** Milliseconds from a call's due time (scheduledFor, or createdAt) to its dial: how late calls go out. */
  | 'DispatchLag'
  /** A call reached a final status. Dimensions: Status; Status and EndReason. */
  | 'CallOutcomes'
  /** A dial message went back to the queue to wait. Dimension: Reason (a slot, the calls-per-second budget…). */
  | 'DialWaits'
  /** One attempt to deliver a customer webhook. Dimension: Result = delivered | failed | parked. */
  | 'WebhookDeliveries'
  /** A record no retry could fix was set aside in a dead-letter or failure queue. Dimension: Source. */
  | 'PoisonRecordsParked';

export interface MetricPoint {
  name: MetricName;
  unit: 'Count' | 'Milliseconds';
  value: number;
  /**
   * The dimension sets the point is also counted under (each is published as its own series),
   * besides the total of the metric with no dimension. Values are few and known: never ids.
   */
  dimensionSets: ReadonlyArray<Readonly<Record<string, string>>>;
}

export interface Metrics {
  /** Records data points; never throws (metrics must not fail the work they describe). */
  record(...points: MetricPoint[]): void;
}

/** A count of one, under the total and under each dimension set given. */
export function countOf(name: MetricName, ...dimensionSets: Array<Record<string, string>>): MetricPoint {
  return { name, unit: 'Count', value: 1, dimensionSets };
}

/** Metrics that go nowhere: for tools and code paths that run outside a function. */
export const noMetrics: Metrics = { record: () => {} };
