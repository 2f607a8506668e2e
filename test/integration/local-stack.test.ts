import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** Runs `npm start`'s script with a changed environment; it must stop before starting anything. */
function start(env: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), 'prerequisites-'));
  return spawnSync(
    process.execPath,
    [join(process.cwd(), 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'local/start.ts'],
    {
      encoding: 'utf8',
      env: { ...process.env, LOCAL_DATA_DIR: join(dir, 'data'), ...env },
      timeout: 60_000,
    },
  );
}

describe('npm start prerequisites', () => {
  it('stops with one sentence naming Java when Java is missing', () => {
    const result = start({ PATH: mkdtempSync(join(tmpdir(), 'no-java-')) });
    expect(result.status).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^DynamoDB Local needs Java 17 or newer.*install/);
  });

  it('stops with one sentence naming moto when moto is missing', () => {
    const result = start({ PYTHON: join(tmpdir(), 'no-such-python') });
    expect(result.status).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/moto.*pip install "moto\[server\]"/);
  });
});
