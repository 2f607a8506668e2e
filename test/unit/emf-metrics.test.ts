import { Metrics } from '@aws-lambda-powertools/metrics';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EmfMetrics } from '#adapters/cloudwatch/emf-metrics';
import { countOf } from '#ports/metrics';

/** The EMF lines written to stdout while `write` runs, parsed. */
function emfLinesOf(write: () => void): Array<Record<string, any>> {
  const lines: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    lines.push(String(chunk));
    return true;
  });
  try {
    write();
  } finally {
    spy.mockRestore();
  }
  return lines.flatMap((text) => text.split('\n').filter(Boolean)).map((line) => JSON.parse(line));
}

describe('EmfMetrics', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('writes each point at once, as the total and once per dimension set, in the configured namespace', () => {
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
    const metrics = new EmfMetrics(new Metrics({ namespace: 'OutboundCalls', serviceName: 'outbound-calls' }));
    const lines = emfLinesOf(() =>
      metrics.record(countOf('CallOutcomes', { Status: 'no_answer' }, { Status: 'no_answer', EndReason: 'no_answer' })),
    );
    expect(lines.map((line) => line._aws.CloudWatchMetrics[0].Dimensions)).toEqual([
      [['service']],
      [['service', 'Status']],
      [['service', 'Status', 'EndReason']],
    ]);
    for (const line of lines) {
      expect(line._aws.CloudWatchMetrics[0]).toMatchObject({
        Namespace: 'OutboundCalls',
        Metrics: [{ Name: 'CallOutcomes', Unit: 'Count' }],
      });
      expect(line).toMatchObject({ service: 'outbound-calls', CallOutcomes: 1 });
    }
  });

  it('never throws: a point it cannot write is reported and the work goes on', () => {
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
    const errors: unknown[] = [];
    const metrics = new EmfMetrics(new Metrics({ namespace: 'OutboundCalls' }), (error) => errors.push(error));
    // A dimension named like the metric: EMF cannot tell them apart, and Powertools refuses it.
    const lines = emfLinesOf(() => {
      metrics.record({ name: 'DialWaits', unit: 'Count', value: 1, dimensionSets: [{ DialWaits: 'x' }] });
      metrics.record(countOf('DialAttempts', { KeyMode: 'live' }));
    });
    expect(errors).toHaveLength(1);
    expect(lines.map((line) => line._aws.CloudWatchMetrics[0].Metrics[0].Name)).toContain('DialAttempts');
  });

  it('writes each point on a line of its own: nothing of a refused point rides on the next', () => {
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
    const metrics = new EmfMetrics(
      new Metrics({ namespace: 'OutboundCalls', serviceName: 'outbound-calls' }),
      () => {},
    );
    const lines = emfLinesOf(() => {
      metrics.record({ name: 'DialWaits', unit: 'Count', value: 1, dimensionSets: [{ DialWaits: 'x' }] });
      metrics.record(countOf('DialAttempts', { KeyMode: 'live' }));
      // Refused when stored, after its dimensions were.
      metrics.record({ name: 'DialWaits', unit: 'Fortnights' as 'Count', value: 1, dimensionSets: [{ Odd: 'y' }] });
      metrics.record(countOf('DialAttempts', { KeyMode: 'test' }));
    });
    const attempts = lines.filter((line) => line._aws.CloudWatchMetrics[0].Metrics[0].Name === 'DialAttempts');
    expect(attempts.map((line) => line._aws.CloudWatchMetrics[0].Dimensions)).toEqual([
      [['service']],
      [['service', 'KeyMode']],
      [['service']],
      [['service', 'KeyMode']],
    ]);
    expect(attempts.map((line) => line.KeyMode)).toEqual([undefined, 'live', undefined, 'test']);
    for (const line of attempts) {
      expect(line).not.toHaveProperty('DialWaits');
      expect(line).not.toHaveProperty('Odd');
      expect(line._aws.CloudWatchMetrics[0].Metrics).toHaveLength(1);
    }
  });

  it('writes nothing when metrics are disabled (the local stack)', () => {
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'true');
    const metrics = new EmfMetrics(new Metrics({ namespace: 'OutboundCalls' }));
    expect(emfLinesOf(() => metrics.record(countOf('CallsCreated', { Dispatch: 'immediate' })))).toEqual([]);
  });
});
