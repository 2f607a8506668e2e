import { vi } from 'vitest';

/** A log line as Powertools writes it: one JSON object. */
export type LogLine = Record<string, unknown>;

/**
 * Collects what the shared logger writes (stdout and stderr, one JSON object a line) until
 * `stop()`. The tests run with POWERTOOLS_LOG_LEVEL=SILENT: a file that reads log lines sets it
 * to INFO in `vi.hoisted`, before the logger is imported. (Setting the level later would not do:
 * inside an invocation's scope a level applies to that invocation alone.)
 */
export function captureLogLines(): { lines: LogLine[]; stop: () => void } {
  const lines: LogLine[] = [];
  const collect = (chunk: unknown) => {
    for (const text of String(chunk).split('\n')) {
      if (text.trim().startsWith('{')) lines.push(JSON.parse(text) as LogLine);
    }
    return true;
  };
  const spies = [
    vi.spyOn(process.stdout, 'write').mockImplementation(collect),
    vi.spyOn(process.stderr, 'write').mockImplementation(collect),
  ];
  const stop = () => {
    for (const spy of spies) spy.mockRestore();
  };
  return { lines, stop };
}
