import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO } from '../../local/demo-data.ts';
import type { LocalStackState } from '../../local/config.ts';
import { freePort } from '../../local/emulators.ts';
import { eventually } from '../support/local-api.ts';
import { scratchDir } from '../support/scratch-dir.ts';

const TSX = join(process.cwd(), 'node_modules', 'tsx', 'dist', 'cli.mjs');
/** A line of a stack trace, as Node and Python print them. */
const STACK_TRACE = /^\s+at .+\(|^\s+at \S+:\d+|^Traceback/m;

/** Runs a command-line script of the repository with tsx, as its npm script does; it must end by itself. */
function run(script: string, args: string[], env: Record<string, string> = {}) {
  const dir = scratchDir('cli-');
  return spawnSync(process.execPath, [TSX, script, ...args], {
    encoding: 'utf8',
    env: { ...process.env, LOCAL_DATA_DIR: join(dir, 'data'), ...env },
    timeout: 180_000,
  });
}

describe('npm start prerequisites', () => {
  it('stops with one sentence naming Java when Java is missing', () => {
    const result = run('local/start.ts', [], { PATH: scratchDir('no-java-') });
    expect(result.status).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^DynamoDB Local needs Java 17 or newer.*install/);
  });

  it('stops with one sentence naming moto when moto is missing', () => {
    const result = run('local/start.ts', [], { PYTHON: join(scratchDir('python-'), 'no-such-python') });
    expect(result.status).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/moto.*pip install "moto\[server\]"/);
  });
});

describe('a bad option or setting', () => {
  it.each([
    ['npm run admin', 'tools/admin/cli.ts', ['--no-such-option'], {}, /^Unknown option '--no-such-option'/],
    ['npm run admin', 'tools/admin/cli.ts', ['create-account', '--name'], {}, /--name.*argument missing/],
    ['npm run campaign', 'tools/campaign/cli.ts', ['status', '--no-such-option'], {}, /^Unknown option/],
    ['npm run local:wipe', 'local/wipe.ts', ['--no-such-option'], {}, /^Unknown option/],
    ['npm start', 'local/start.ts', ['--no-such-option'], {}, /^Unknown option/],
    ['npm start', 'local/start.ts', [], { PORT: 'eighty' }, /^PORT must be a port number.*"eighty"/],
    ['npm start', 'local/start.ts', [], { SIMULATOR_TIME_SCALE: '-1' }, /^SIMULATOR_TIME_SCALE must be a positive/],
  ] as const)('%s %s %j %j: one line, the usage, exit code 2', (_command, script, args, env, message) => {
    const result = run(script, [...args], env);
    expect(result.status).toBe(2);
    const [line, blank, usage] = result.stderr.split('\n');
    expect(line).toMatch(message);
    expect(blank).toBe('');
    expect(usage).toMatch(/^Usage: npm /);
    expect(result.stderr).not.toMatch(STACK_TRACE);
  });
});

/** `npm start` as a developer runs it, on free ports and its own data directory, in its own process group. */
interface RunningStack {
  npm: ChildProcess;
  output: { stdout: string; stderr: string };
  state: () => LocalStackState;
  ports: number[];
  exited: Promise<number | null>;
}

const started: RunningStack[] = [];
afterAll(() => {
  for (const { npm } of started) if (npm.exitCode === null) process.kill(-(npm.pid as number), 'SIGKILL');
});

async function npmStart(): Promise<RunningStack> {
  const ports = [await freePort(), await freePort(), await freePort()];
  const dataDir = scratchDir('npm-start-');
  const npm = spawn('npm', ['start'], {
    cwd: process.cwd(),
    env: {
      ...process.env,
      PORT: String(ports[0]),
      LOCAL_DYNAMODB_PORT: String(ports[1]),
      LOCAL_MOTO_PORT: String(ports[2]),
      LOCAL_DATA_DIR: dataDir,
      SIMULATOR_TIME_SCALE: '0.05',
    },
    // Its own process group, as a terminal gives a foreground job: Ctrl-C signals the whole group.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = { stdout: '', stderr: '' };
  npm.stdout?.on('data', (chunk: Buffer) => (output.stdout += chunk.toString()));
  npm.stderr?.on('data', (chunk: Buffer) => (output.stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => npm.once('exit', (code) => resolve(code)));
  const stack = {
    npm,
    output,
    ports,
    exited,
    state: () => JSON.parse(readFileSync(join(dataDir, 'stack.json'), 'utf8')) as LocalStackState,
  };
  started.push(stack);
  await eventually(
    async () => output.stdout.includes('Press Ctrl-C to stop.') || npm.exitCode !== null,
    (ready) => ready,
    120_000,
    'npm start to be ready',
  );
  expect(npm.exitCode, output.stderr).toBeNull();
  return stack;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
const listening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => resolve(!socket.destroy()));
    socket.once('error', () => resolve(false));
  });

/** After a signal: npm exits with `code`, every process of the stack is gone, no port listens, and it said one line. */
async function expectStoppedCleanly(stack: RunningStack, pids: number[], code = 0) {
  expect(await stack.exited).toBe(code);
  await eventually(
    async () => ({
      alive: pids.filter(alive),
      listening: (await Promise.all(stack.ports.map(listening))).some(Boolean),
    }),
    (left) => left.alive.length === 0 && !left.listening,
    60_000,
    'every process to end and every port to close',
  );
  expect(stack.output.stdout.split('Press Ctrl-C to stop.')[1]?.trim()).toBe('Stopping the local stack…');
  expect(stack.output.stderr).not.toMatch(STACK_TRACE);
}

describe('npm start', () => {
  it('stops every process it started on Ctrl-C, in one line', { timeout: 300_000 }, async () => {
    const stack = await npmStart();
    const { pid, emulatorPids } = stack.state();
    expect(emulatorPids).toHaveLength(2);
    // A terminal's Ctrl-C: SIGINT to every process of the foreground process group.
    process.kill(-(stack.npm.pid as number), 'SIGINT');
    await expectStoppedCleanly(stack, [pid, ...emulatorPids]);
    expect(stack.output.stderr).toBe('');
  });

  it('restarts moto when it dies, with its queues, so a call still completes; SIGTERM then stops everything', {
    timeout: 300_000,
  }, async () => {
    const stack = await npmStart();
    const api = stack.state().apiUrl;
    // The front keeps idle connections longer than clients do (no keep-alive race).
    const first = await fetch(`${api}/api/v1/openapi.json`);
    expect(first.headers.get('keep-alive')).toBe('timeout=65');

    const [, motoPid] = stack.state().emulatorPids as [number, number];
    process.kill(motoPid, 'SIGKILL');
    await eventually(
      async () => stack.output.stderr,
      (stderr) => stderr.includes('moto is running again'),
      60_000,
      'moto to be restarted',
    );
    expect(stack.output.stderr).toMatch(/^moto \(SQS and Scheduler\) was killed \(SIGKILL\): restarting it/m);
    const headers = { authorization: `Bearer ${DEMO.apiKey}`, 'content-type': 'application/json' };
    const created = await fetch(`${api}/api/v1/outbound-calls`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ agentId: DEMO.agents[0].id, toNumber: '+15005550100' }),
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    await eventually(
      async () =>
        ((await (await fetch(`${api}/api/v1/outbound-calls/${id}`, { headers })).json()) as { status: string }).status,
      (status) => status === 'completed',
      60_000,
      'the call to complete through the restarted moto',
    );

    const { pid, emulatorPids } = stack.state();
    expect(emulatorPids).not.toContain(motoPid);
    process.kill(stack.npm.pid as number, 'SIGTERM');
    await expectStoppedCleanly(stack, [pid, ...emulatorPids]);
    expect(stack.output.stderr.trim().split('\n')).toHaveLength(2);
  });

  it('stops cleanly, in one line, when DynamoDB Local dies', { timeout: 300_000 }, async () => {
    const stack = await npmStart();
    const { pid, emulatorPids } = stack.state();
    process.kill(emulatorPids[0] as number, 'SIGKILL');
    await expectStoppedCleanly(stack, [pid, ...emulatorPids], 1);
    expect(stack.output.stderr.trim()).toMatch(/^DynamoDB Local was killed \(SIGKILL\): the local stack cannot go on/);
    expect(stack.output.stderr.trim().split('\n')).toHaveLength(1);
  });
});
