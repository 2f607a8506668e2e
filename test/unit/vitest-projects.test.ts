import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ISOLATED_UNIT_TESTS, SHARED_UNIT_TESTS } from '../../vitest.config.ts';

/** What a unit test file does that another file in the same worker would see, or would spoil for it. */
const PROCESS_STATE = /process\.env|vi\.(stubEnv|stubGlobal|resetModules|hoisted|mock|doMock|useFakeTimers)\b/;

describe('the unit tests that share workers (vitest.config.ts)', () => {
  it('are every unit test file but the isolated ones, and none of them touches process-wide state', () => {
    expect(SHARED_UNIT_TESTS.length).toBeGreaterThan(30);
    expect(SHARED_UNIT_TESTS).toContain('test/unit/vitest-projects.test.ts');
    for (const file of SHARED_UNIT_TESTS) {
      expect(
        ISOLATED_UNIT_TESTS.some((prefix) => file.startsWith(prefix)),
        file,
      ).toBe(false);
      expect(readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8'), file).not.toMatch(PROCESS_STATE);
    }
  });
});
