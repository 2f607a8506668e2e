import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStackState } from '../../local/config.ts';
import { buildEvents } from '../../tools/invoke/events.ts';
import { CALLS, callReaches, startTestApi, type TestApi } from '../support/local-api.ts';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TSX = join(REPO_ROOT, 'node_modules', '.bin', 'tsx');

/**
 * `npm run invoke -- <function> [event]` against a running local stack: the handler runs in its own
 * process with the stack's environment (from its state file, as `npm start` writes it) and the
 * function's event file, as `sam local invoke` would run it, without Docker.
 */
describe('npm run invoke', () => {
  let api: TestApi;
  let dataDir: string;
  beforeAll(async () => {
    api = await startTestApi();
    dataDir = mkdtempSync(join(tmpdir(), 'invoke-'));
    const state: LocalStackState = {
      apiUrl: api.stack.url,
      dynamodbEndpoint: api.stack.dynamodbEndpoint,
      motoEndpoint: api.stack.motoEndpoint,
      tableName: api.stack.tableName,
      pid: process.pid,
      emulatorPids: [],
      environment: api.stack.environment,
    };
    writeFileSync(join(dataDir, 'stack.json'), JSON.stringify(state));
  });
  afterAll(async () => {
    await api.stack.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const invoke = async (...args: string[]) => {
    const { stdout } = await promisify(execFile)(TSX, ['tools/invoke/cli.ts', ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, LOCAL_DATA_DIR: dataDir, POWERTOOLS_LOG_LEVEL: 'ERROR' },
    });
    // The result is printed last, indented; log lines before it are one line each.
    const lines = stdout.split('\n');
    return JSON.parse(lines.slice(lines.findIndex((line) => ['{', '[', 'null'].includes(line))).join('\n'));
  };

  it('has an event file for every function, as events.ts builds them', async () => {
    const { FUNCTIONS } = await import('../../tools/invoke/functions.ts');
    const files = readdirSync(join(REPO_ROOT, 'events')).map((file) => file.replace(/\.json$/, ''));
    expect(files.sort()).toEqual([...FUNCTIONS].sort());
    expect(Object.keys(buildEvents()).sort()).toEqual([...FUNCTIONS].sort());
  });

  it('runs create-call from its event file: the call it answers is in the stack, and the stack dials it', async () => {
    const result = await invoke('create-call');
    expect(result.statusCode).toBe(201);
    const call = JSON.parse(result.body);
    expect(call).toMatchObject({ agentId: 'agt_01HXK8Z3MNPQRS', toNumber: '+15005550100', status: 'queued' });
    expect((await api.request('GET', `${CALLS}/${call.id}`)).body.id).toBe(call.id);
    expect(await callReaches(api, call.id, ['completed'])).toMatchObject({ endReason: 'agent_ended' });
  }, 120_000);

  it('signs the telephony callback for the running stack: the signature passes, the unknown call is a 404', async () => {
    const result = await invoke('telephony-webhooks', join(REPO_ROOT, 'events', 'telephony-webhooks.json'));
    expect(result).toMatchObject({ statusCode: 404 });
  }, 120_000);

  it('runs a stream batch and the reconciler without failures', async () => {
    expect(await invoke('events-stream')).toEqual({ batchItemFailures: [] });
    expect(await invoke('reconciler')).toBeNull();
  }, 120_000);

  it('refuses an unknown function with the usage and exit code 2', async () => {
    const failed = await promisify(execFile)(TSX, ['tools/invoke/cli.ts', 'no-such-function'], {
      cwd: REPO_ROOT,
      env: { ...process.env, LOCAL_DATA_DIR: dataDir },
    }).catch((error: { code: number; stderr: string }) => error);
    expect(failed).toMatchObject({ code: 2, stderr: expect.stringContaining('Unknown function "no-such-function"') });
  });
});
