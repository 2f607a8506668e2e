import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SLOWEST_FILES } from '../support/sequencer.ts';

describe('the slowest-first sequencer', () => {
  it('names only test files that exist, each once', () => {
    expect(SLOWEST_FILES.filter((file) => !existsSync(new URL(`../../${file}`, import.meta.url)))).toEqual([]);
    expect(new Set(SLOWEST_FILES).size).toBe(SLOWEST_FILES.length);
    for (const file of SLOWEST_FILES) expect(file).toMatch(/^test\/.+\.test\.ts$/);
  });
});
