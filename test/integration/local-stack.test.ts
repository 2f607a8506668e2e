import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

describe('npm start prerequisites', () => {
  it('stops with one sentence naming Java when Java is missing', () => {
    const empty = mkdtempSync(join(tmpdir(), 'no-java-'));
    const result = spawnSync(process.execPath, [join(process.cwd(), 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'infra/local/start.ts'], {
      encoding: 'utf8',
      env: { ...process.env, PATH: empty, PORT: '0', LOCAL_DYNAMODB_PORT: '0', LOCAL_DATA_DIR: join(empty, 'data') },
    });
    expect(result.status).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^DynamoDB Local needs Java 17 or newer.*install/);
  });
});
