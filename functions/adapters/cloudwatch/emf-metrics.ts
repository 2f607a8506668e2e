import type { Metrics as PowertoolsMetrics } from '@aws-lambda-powertools/metrics';
import type { MetricPoint, Metrics } from '#ports/metrics';

/**
 * Business metrics as CloudWatch embedded metric format (EMF) lines on stdout, through Powertools
 * Metrics (https://docs.aws.amazon.com/powertools/typescript/latest/features/metrics/): CloudWatch
 * turns each line of the function's log into data points, with no API call and no flush to forget.
 * Each point is published at once (a single metric), once as the metric's total (dimension
 * `service` only) and once per dimension set, so that alarms can divide one series by another
 * (failed calls / all calls) without SEARCH expressions, which alarms cannot use. Namespace and
 * `service` come from POWERTOOLS_METRICS_NAMESPACE and POWERTOOLS_SERVICE_NAME;
 * POWERTOOLS_METRICS_DISABLED=true (the local stack's default) writes nothing.
 */
export class EmfMetrics implements Metrics {
  /**
   * The one single-metric instance every point is written through, made at the first point.
   * Powertools' singleMetric() builds a new Metrics (its configuration, its console) each time,
   * which cost a create about as much as the rest of its own work between two AWS requests
   * (docs/costs.md, "Create latency"); a single-metric instance clears its dimensions and metric
   * once it has written the line, so it serves the next point as a new one would. Points are
   * written synchronously, so invocations running at once (the local stack) never interleave.
   */
  private single: PowertoolsMetrics | undefined;

  constructor(
    private readonly metrics: PowertoolsMetrics,
    /** Told when a point could not be written (a bad value, say); the work goes on. */
    private readonly onError: (error: unknown) => void = () => {},
  ) {}

  record(...points: MetricPoint[]): void {
    this.single ??= this.metrics.singleMetric();
    const single = this.single;
    for (const point of points) {
      try {
        for (const dimensions of [{}, ...point.dimensionSets]) {
          single.addDimensions(dimensions);
          single.addMetric(point.name, point.unit, point.value);
        }
      } catch (error) {
        // A refused point is not written: what it left stored must not ride on the next line.
        single.clearMetrics();
        single.clearDimensions();
        single.clearMetadata();
        this.onError(error);
      }
    }
  }
}
