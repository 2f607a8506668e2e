import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BENCHMARKS, formatTable } from '../../bench/all.ts';

const scripts: Record<string, string> = JSON.parse(
  readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
).scripts;

describe('npm run bench: every benchmark of issue 11 in one table', () => {
  it('runs bench/all.ts, and every bench:<name> script is one of its benchmarks, each still runnable alone', () => {
    expect(scripts.bench).toBe('tsx bench/all.ts');
    const alone = Object.keys(scripts)
      .filter((name) => name.startsWith('bench:'))
      .map((name) => name.slice('bench:'.length));
    expect(alone.sort()).toEqual(BENCHMARKS.map((bench) => bench.name).sort());
    for (const { name } of BENCHMARKS) expect(scripts[`bench:${name}`]).toBe(`tsx bench/${name}.ts`);
  });

  it('marks each figure met or missed, counts a benchmark without figures as missed, and says what was not run', () => {
    const row = (what: string, met: boolean) => ({ what, before: '47', now: met ? '12' : '20', target: '≤ 15', met });
    const { text, missed } = formatTable([
      { name: 'requests', rows: [row('AWS requests, immediate', true), row('AWS requests, scheduled', false)] },
      { name: 'paging', rows: [], failure: 'it ended (exit 1) without figures' },
      { name: 'pacing', rows: [], skipped: true },
    ]);
    expect(missed).toBe(2);
    const lines = text.split('\n');
    expect(lines.find((line) => line.includes('AWS requests, immediate'))).toMatch(/47\s+12\s+≤ 15\s+met$/);
    expect(lines.find((line) => line.includes('AWS requests, scheduled'))).toMatch(/47\s+20\s+≤ 15\s+MISSED$/);
    expect(text).toContain('no figures: it ended (exit 1) without figures');
    expect(text).toMatch(/60 calls due at one instant.*\n {2}not run/);
    expect(text).toContain('2 figure(s) missed their target.');
  });
});
