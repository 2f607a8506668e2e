/**
 * The local stack at rest: `npm run bench:at-rest` (a measurement; exits 1 if a target is missed).
 *
 * Starts `npm start` exactly as a developer does, on free ports with a fresh data directory, waits
 * until it is ready, lets it settle (BENCH_SETTLE_SECONDS, default 20), then for
 * BENCH_WINDOW_SECONDS (default 60) measures, with nothing sent to it:
 *   - AWS requests a minute: every HTTP request the stack's processes send to DynamoDB Local or
 *     moto, counted by Node's http diagnostics channel in the process itself
 *     (bench/count-aws-requests.mjs), by operation;
 *   - RSS: the resident memory of every process of the stack (npm, Node, DynamoDB Local's Java,
 *     moto's Python), summed, sampled every 5 seconds; the largest sum is reported.
 * Then stops the stack (SIGTERM, as Ctrl-C would) and prints, for each, before (issue 11's
 * figures), now and the target:
 *
 *   what                        before       now    target
 *   AWS requests a minute          740        40      ≤ 60
 *   RSS, all processes (MiB)       575       380     ≤ 450
 *   Java heap (DynamoDB Local)  unbounded  -Xmx256m   capped
 *
 * followed by the requests by operation and the memory by process. Needs Java 17+ and moto, as
 * `npm start` does.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { freePort } from '../local/emulators.ts';
import { writeBenchRows } from './bench-rows.ts';
import { wholeNumberSetting } from './settings.ts';

const SETTLE_SECONDS = wholeNumberSetting('BENCH_SETTLE_SECONDS', 20, 0);
const WINDOW_SECONDS = wholeNumberSetting('BENCH_WINDOW_SECONDS', 60, 1);
const READY_TIMEOUT_MS = 180_000;

/** Issue 11's figures for the stack before this work, and its targets. */
const BEFORE = { requestsPerMinute: 740, rssMiB: 575 };
const TARGET = { requestsPerMinute: 60, rssMiB: 450 };

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const COUNTER = pathToFileURL(join(REPO_ROOT, 'bench', 'count-aws-requests.mjs')).href;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Requests counted so far by every process of the stack, by "host:port operation". */
function requestCounts(dir: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const file of readdirSync(dir)) {
    try {
      for (const [key, count] of Object.entries(JSON.parse(readFileSync(join(dir, file), 'utf8')) as object)) {
        counts.set(key, (counts.get(key) ?? 0) + Number(count));
      }
    } catch {
      // Being rewritten this instant: the next read has it.
    }
  }
  return counts;
}

interface ProcessInfo {
  pid: number;
  ppid: number;
  rssKiB: number;
  command: string;
}

/** The process `root` and all its descendants, with their resident memory (ps: Linux and macOS). */
function processTree(root: number): ProcessInfo[] {
  const listing = spawnSync('ps', ['-A', '-o', 'pid=,ppid=,rss=,comm='], { encoding: 'utf8' }).stdout;
  const all = listing
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter((fields) => fields.length >= 4)
    .map(([pid, ppid, rss, ...command]) => ({
      pid: Number(pid),
      ppid: Number(ppid),
      rssKiB: Number(rss),
      command: command.join(' '),
    }));
  const tree: ProcessInfo[] = [];
  const wanted = new Set([root]);
  // Parents are listed before children on both systems, but walk until nothing is added to be sure.
  for (let added = true; added; ) {
    added = false;
    for (const info of all) {
      if ((wanted.has(info.ppid) || info.pid === root) && !tree.includes(info)) {
        tree.push(info);
        wanted.add(info.pid);
        added = true;
      }
    }
  }
  return tree;
}

/**
 * The -Xmx a Java process runs with, from its command line or the variables the java launcher
 * reads (JDK_JAVA_OPTIONS, JAVA_TOOL_OPTIONS: local/emulators.ts sets the first); undefined if none.
 */
function javaHeapCap(pid: number): string | undefined {
  let text = spawnSync('ps', ['-o', 'args=', '-p', String(pid)], { encoding: 'utf8' }).stdout;
  try {
    text += ` ${readFileSync(`/proc/${pid}/environ`, 'utf8').replaceAll('\0', ' ')}`; // Linux
  } catch {
    text += ` ${spawnSync('ps', ['eww', '-o', 'command=', '-p', String(pid)], { encoding: 'utf8' }).stdout}`; // macOS
  }
  return /-Xmx(\S+)/.exec(text)?.[1];
}

async function main(): Promise<number> {
  const dataDir = mkdtempSync(join(tmpdir(), 'outbound-calls-at-rest-'));
  const countDir = join(dataDir, 'request-counts');
  const [apiPort, dynamodbPort, motoPort] = [await freePort(), await freePort(), await freePort()];
  const emulatorHosts = [`127.0.0.1:${dynamodbPort}`, `127.0.0.1:${motoPort}`];
  const stack = spawn(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['start'], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      PORT: String(apiPort),
      LOCAL_DYNAMODB_PORT: String(dynamodbPort),
      LOCAL_MOTO_PORT: String(motoPort),
      LOCAL_DATA_DIR: join(dataDir, 'stack'),
      BENCH_REQUEST_COUNT_DIR: countDir,
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import ${COUNTER}`.trim(),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  stack.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  stack.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => stack.once('exit', () => resolve()));
  try {
    const readyBy = Date.now() + READY_TIMEOUT_MS;
    while (!output.includes('Press Ctrl-C to stop.')) {
      if (stack.exitCode !== null || Date.now() > readyBy)
        throw new Error(`npm start did not become ready:\n${output}`);
      await sleep(250);
    }
    console.log(
      `Stack ready (API :${apiPort}); settling ${SETTLE_SECONDS} s, then measuring ${WINDOW_SECONDS} s at rest…`,
    );
    await sleep(SETTLE_SECONDS * 1000);

    const emulatorRequests = (counts: Map<string, number>) =>
      new Map([...counts].filter(([key]) => emulatorHosts.some((host) => key.startsWith(`${host} `))));
    const first = emulatorRequests(requestCounts(countDir));
    let largest: ProcessInfo[] = [];
    const sum = (tree: ProcessInfo[]) => tree.reduce((total, info) => total + info.rssKiB, 0);
    const endAt = Date.now() + WINDOW_SECONDS * 1000;
    while (Date.now() < endAt) {
      const tree = processTree(stack.pid as number);
      if (sum(tree) > sum(largest)) largest = tree;
      await sleep(Math.min(5000, Math.max(0, endAt - Date.now())));
    }
    // The counters write every second: wait for the last second of the window to be written.
    await sleep(1500);
    const last = emulatorRequests(requestCounts(countDir));

    const byOperation = [...last]
      .map(([key, count]): [string, number] => [key, count - (first.get(key) ?? 0)])
      .filter(([, count]) => count > 0)
      .sort((a, b) => b[1] - a[1]);
    const requests = byOperation.reduce((total, [, count]) => total + count, 0);
    const requestsPerMinute = (requests * 60) / WINDOW_SECONDS;
    const rssMiB = sum(largest) / 1024;

    const rows: Array<[string, number, number, number]> = [
      ['AWS requests a minute', BEFORE.requestsPerMinute, requestsPerMinute, TARGET.requestsPerMinute],
      ['RSS, all processes (MiB)', BEFORE.rssMiB, rssMiB, TARGET.rssMiB],
    ];
    console.log(`\n${'what'.padEnd(28)}${'before'.padStart(8)}${'now'.padStart(10)}${'target'.padStart(10)}`);
    for (const [what, before, now, target] of rows) {
      const flag = now > target ? '  ✗ over target' : '';
      console.log(
        `${what.padEnd(28)}${String(before).padStart(8)}${now.toFixed(0).padStart(10)}${`≤ ${target}`.padStart(10)}${flag}`,
      );
    }
    // Issue 11's third figure: DynamoDB Local's Java heap, unbounded before; capped by -Xmx now.
    const java = largest.find((info) => /java/i.test(info.command));
    const heapCap = java ? javaHeapCap(java.pid) : undefined;
    console.log(
      `${'Java heap (DynamoDB Local)'.padEnd(28)}${'unbounded'.padStart(10)}${(heapCap ? `-Xmx${heapCap}` : 'unbounded').padStart(10)}${'capped'.padStart(10)}${heapCap ? '' : '  ✗ not capped'}`,
    );
    writeBenchRows([
      ...rows.map(([what, before, now, target]) => ({
        what: `local stack at rest: ${what}`,
        before: String(before),
        now: now.toFixed(0),
        target: `≤ ${target}`,
        met: now <= target,
      })),
      {
        what: 'local stack at rest: DynamoDB Local Java heap',
        before: 'unbounded',
        now: heapCap ? `-Xmx${heapCap}` : 'unbounded',
        target: 'capped',
        met: heapCap !== undefined,
      },
    ]);
    console.log(`\nRequests in ${WINDOW_SECONDS} s, by operation:`);
    for (const [key, count] of byOperation) console.log(`  ${String(count).padStart(5)}  ${key}`);
    console.log('\nResident memory at the largest sample, by process (MiB):');
    for (const info of largest) console.log(`  ${(info.rssKiB / 1024).toFixed(0).padStart(5)}  ${info.command}`);
    return requestsPerMinute <= TARGET.requestsPerMinute && rssMiB <= TARGET.rssMiB && heapCap ? 0 : 1;
  } finally {
    stack.kill('SIGTERM');
    const killAfter = setTimeout(() => {
      for (const info of processTree(stack.pid as number)) {
        try {
          process.kill(info.pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
    }, 20_000);
    await exited;
    clearTimeout(killAfter);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

process.exitCode = await main();
