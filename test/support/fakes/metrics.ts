import type { MetricName, MetricPoint, Metrics } from '#ports/metrics';

/** Keeps every data point recorded, for tests to read. */
export class InMemoryMetrics implements Metrics {
  readonly points: MetricPoint[] = [];

  record(...points: MetricPoint[]): void {
    this.points.push(...structuredClone(points));
  }

  /** The points of one metric, in order. */
  of(name: MetricName): MetricPoint[] {
    return this.points.filter((point) => point.name === name);
  }

  /** How many of `name` were counted with exactly these dimensions among their sets (or in total). */
  count(name: MetricName, dimensions: Record<string, string> = {}): number {
    const key = JSON.stringify(Object.entries(dimensions).sort());
    return this.of(name)
      .filter(
        (point) =>
          Object.keys(dimensions).length === 0 ||
          point.dimensionSets.some((set) => JSON.stringify(Object.entries(set).sort()) === key),
      )
      .reduce((sum, point) => sum + point.value, 0);
  }
}
