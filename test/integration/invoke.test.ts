import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStackState } from '../../local/config.ts';
import { buildEvents } from '../../tools/invoke/events.ts';
import { buildStack, type CfnTemplate, templateOf } from '../infra/stack-fixture.ts';
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

  it("env-json: each function gets exactly the variables its SAM template declares, with the running stack's values", async () => {
    const template = templateOf(buildStack('dev', { carrierSimulator: true } as never).stack).toJSON() as CfnTemplate;
    const templateFile = join(dataDir, 'OutboundCalls-dev.template.json');
    writeFileSync(templateFile, JSON.stringify(template));
    const out = mkdtempSync(join(dataDir, 'env-json-'));
    const { stdout } = await promisify(execFile)(
      TSX,
      ['tools/invoke/cli.ts', 'env-json', '--template', templateFile, '--out', out, '--host', 'host.docker.internal'],
      { cwd: REPO_ROOT, env: { ...process.env, LOCAL_DATA_DIR: dataDir } },
    );
    const samFile = join(dataDir, 'OutboundCalls-dev.sam.json');
    for (const file of [join(out, 'env.json'), samFile]) expect(stdout).toContain(file);
    const envJson: Record<string, Record<string, string>> = JSON.parse(readFileSync(join(out, 'env.json'), 'utf8'));
    const sam = JSON.parse(readFileSync(samFile, 'utf8')) as CfnTemplate;
    const stackEnv = api.stack.environment;
    // A container reaches this machine by the host's name, never by 127.0.0.1 or localhost.
    const reach = (value: string) => value.replace(/\/\/(127\.0\.0\.1|localhost)(?=[:/]|$)/g, '//host.docker.internal');
    const endpoints = Object.keys(stackEnv).filter((name) => name.startsWith('AWS_ENDPOINT_URL'));
    expect(endpoints.length).toBeGreaterThan(0);
    const credentials = ['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'SIMULATOR_ACCOUNT_SID', 'SIMULATOR_AUTH_TOKEN'];

    const functions = Object.entries(template.Resources).filter(([, r]) => r.Type === 'AWS::Lambda::Function');
    expect(functions.length).toBeGreaterThan(10);
    expect(Object.keys(envJson).sort()).toEqual(functions.map(([id]) => id).sort());
    for (const [id, fn] of functions) {
      const declared: Record<string, unknown> = fn.Properties?.Environment?.Variables ?? {};
      const samDeclared: Record<string, unknown> = sam.Resources[id]?.Properties?.Environment?.Variables ?? {};
      // SAM passes a function only what its template declares: env.json gives exactly those.
      expect(Object.keys(envJson[id] ?? {}).sort(), id).toEqual(Object.keys(samDeclared).sort());
      // The SAM template is the synthesized one plus the local wiring: the emulators' endpoints,
      // and the secret's credentials for the functions that read it.
      const wiring = [
        ...endpoints,
        ...('TELEPHONY_SECRET_ARN' in declared ? [...credentials, 'TWILIO_API_BASE_URL'] : []),
      ];
      expect(Object.keys(samDeclared).sort(), id).toEqual([...new Set([...Object.keys(declared), ...wiring])].sort());
      for (const [name, value] of Object.entries(samDeclared)) {
        const got = envJson[id]?.[name];
        if (name === 'TELEPHONY_SECRET_ARN') {
          // No secret locally: the credentials come in variables of their own.
          expect(got).toBe('');
          for (const credential of credentials)
            expect(envJson[id]?.[credential], `${id} ${credential}`).toBe(stackEnv[credential]);
        } else if (typeof declared[name] === 'string' || !(name in declared)) {
          // A literal of the template unless the local stack sets its own; the wiring, the stack's.
          expect(got, `${id} ${name}`).toBe(name in stackEnv ? reach(stackEnv[name] as string) : value);
        } else {
          // A reference to a resource of the stack (table, queue, URL…): the running stack's one.
          expect(stackEnv, `${id} ${name}: the local stack has no value for it`).toHaveProperty(name);
          expect(got, `${id} ${name}`).toBe(reach(stackEnv[name] as string));
        }
      }
      // Nothing else of the template changed: the bundle's path and handler are SAM's to read.
      expect({ ...sam.Resources[id], Properties: { ...sam.Resources[id]?.Properties, Environment: null } }).toEqual({
        ...fn,
        Properties: { ...fn.Properties, Environment: null },
      });
    }
    const createCall = functions.find(([, fn]) => fn.Properties?.Description === 'outbound-calls create-call')?.[0];
    expect(envJson[createCall as string]).toMatchObject({
      TABLE_NAME: api.stack.tableName,
      DIAL_QUEUE_URL: expect.stringMatching(
        new RegExp(`^http://host\\.docker\\.internal:${new URL(api.stack.motoEndpoint).port}/`),
      ),
      AWS_ENDPOINT_URL_DYNAMODB: reach(stackEnv.AWS_ENDPOINT_URL_DYNAMODB as string),
    });
    expect(JSON.stringify(envJson)).not.toMatch(/\/\/(127\.0\.0\.1|localhost)[:/]/);
  }, 120_000);

  it('refuses an unknown function with the usage and exit code 2', async () => {
    const failed = await promisify(execFile)(TSX, ['tools/invoke/cli.ts', 'no-such-function'], {
      cwd: REPO_ROOT,
      env: { ...process.env, LOCAL_DATA_DIR: dataDir },
    }).catch((error: { code: number; stderr: string }) => error);
    expect(failed).toMatchObject({ code: 2, stderr: expect.stringContaining('Unknown function "no-such-function"') });
  });
});
