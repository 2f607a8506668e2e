import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeTime } from 'ulid';
import { ahead } from '../support/dates-ahead.ts';
import { eventually, startTestApi, type TestApi } from '../support/local-api.ts';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DOCUMENTS = [
  'README.md',
  'docs/api.md',
  'docs/campaigns.md',
  'docs/local-stack.md',
  'docs/webhooks.md',
  'docs/deploy.md',
];

/**
 * The bash blocks a reader copies, run as written against a local stack (its URL in place of
 * http://localhost:3000). Every bash block of the documents is either run here or listed below with
 * the reason it is not, so a new command in the docs is a decision, not an accident.
 */
const NOT_RUN: Record<string, string> = {
  'README.md #1': 'starts the stack (the test stands in for it with its own) and runs the whole suite',
  'docs/campaigns.md #1': "needs the reader's contacts.csv; test/campaign/campaign-command.test.ts runs the command",
  'docs/webhooks.md #1':
    'registers https://example.com, a name the service resolves and a test machine without DNS cannot; #2 registers the same way',
  'docs/local-stack.md #1':
    'holds placeholders the reader fills in (acc_…, agt_…); the admin command has its own tests',
};

/** What a line of the docs becomes in the test: the same command, pointed at this test's resources. */
interface Rewrite {
  stackUrl: string;
  receiverPort: number;
  receiverLog: string;
  receiverPid: string;
}
const rewrite = (line: string, to: Rewrite): string | null => {
  if (/^npm start\b/.test(line)) return null; // the test's stack is already running
  const watched = /^watch -n \d+ "(.*)"$/.exec(line);
  if (watched) return `eval "${watched[1]}"`; // once, instead of every second until Ctrl-C
  let out = ahead(line) // a date the docs write for "some time ahead" stays ahead
    .replaceAll('http://localhost:3000', to.stackUrl)
    .replaceAll('localhost:4000', `localhost:${to.receiverPort}`);
  if (/^node -e .*listen\(4000\)/.test(line))
    out = `${out.replace('listen(4000)', `listen(${to.receiverPort})`).replace(/\s+#.*$/, '')} > ${to.receiverLog} 2>&1 & echo $! > ${to.receiverPid}`;
  return out;
};

/** Every curl answer's status goes to STATUS_LOG; the body goes on as curl would print it. */
const PREAMBLE = `set -euo pipefail
curl() { local out; out=$(mktemp); command curl -sS -o "$out" -w '%{http_code}\\n' "$@" >> "$STATUS_LOG"; cat "$out"; echo; rm -f "$out"; }
`;

function bashBlocks(file: string): { name: string; lines: string[] }[] {
  const blocks: { name: string; lines: string[] }[] = [];
  let current: string[] | null = null;
  for (const line of readFileSync(join(REPO_ROOT, file), 'utf8').split('\n')) {
    if (current === null && line.trim() === '```bash') current = [];
    else if (current !== null && line.trim() === '```') {
      blocks.push({ name: `${file} #${blocks.length + 1}`, lines: current });
      current = null;
    } else current?.push(line);
  }
  return blocks;
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

describe("the documents' commands, against a local stack", () => {
  let api: TestApi;
  let dir: string;
  const pids: string[] = [];
  beforeAll(async () => {
    api = await startTestApi({ environment: { WEBHOOK_BACKOFF_UNIT: '0.02', WEBHOOK_RETRY_WINDOW_SECONDS: '8' } });
    dir = mkdtempSync(join(tmpdir(), 'doc-commands-'));
  });
  afterAll(async () => {
    for (const file of pids)
      if (existsSync(file)) {
        const pid = Number(readFileSync(file, 'utf8').trim());
        if (pid > 0) process.kill(pid);
      }
    await api.stack.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const all = DOCUMENTS.flatMap(bashBlocks);

  it('lists only blocks that exist as not run', () => {
    expect(Object.keys(NOT_RUN).filter((name) => !all.some((block) => block.name === name))).toEqual([]);
  });

  for (const file of DOCUMENTS) {
    const blocks = bashBlocks(file).filter((block) => !(block.name in NOT_RUN));
    if (blocks.length === 0) continue;
    it(`${file}: ${blocks.map((block) => block.name.split(' ')[1]).join(', ')} run as written, every answer a 2xx`, async () => {
      const to: Rewrite = {
        stackUrl: api.stack.url,
        receiverPort: await freePort(),
        receiverLog: join(dir, `${file.replace(/\W/g, '_')}.receiver.log`),
        receiverPid: join(dir, `${file.replace(/\W/g, '_')}.receiver.pid`),
      };
      pids.push(to.receiverPid);
      const statusLog = join(dir, `${file.replace(/\W/g, '_')}.status.log`);
      writeFileSync(statusLog, '');
      const script =
        PREAMBLE +
        blocks
          .flatMap((block) => block.lines.map((line) => rewrite(line, to)).filter((line) => line !== null))
          .join('\n');
      const run = await promisify(execFile)('bash', ['-c', script], {
        cwd: dir,
        env: { ...process.env, STATUS_LOG: statusLog },
      }).catch((error: { message: string; stdout?: string; stderr?: string }) => {
        throw new Error(`${error.message}\n${error.stdout ?? ''}${error.stderr ?? ''}`);
      });
      const statuses = readFileSync(statusLog, 'utf8').trim().split('\n');
      expect(statuses.length, run.stdout).toBeGreaterThan(0);
      expect(
        statuses.filter((status) => !/^2\d\d$/.test(status)),
        run.stdout,
      ).toEqual([]);
      if (existsSync(to.receiverPid)) {
        // docs/webhooks.md: "Within about twenty seconds the receiver prints three SessionEnded events".
        // On a fresh `npm start` those are all it prints; here the README's campaign, paced, may
        // still be ending calls on the same stack, so only the calls placed after the endpoint
        // was created count (ids are ULIDs: their time has milliseconds, unlike createdAt).
        const endpointId = /"id":\s*"whk_([0-9A-Z]{26})"/.exec(run.stdout)?.[1];
        expect(endpointId, run.stdout).toBeDefined();
        const sinceEndpoint = (text: string) =>
          text
            .split('\n')
            .filter((line) => line.startsWith('SessionEnded '))
            .map((line) => JSON.parse(line.slice('SessionEnded '.length)).data.call)
            .filter((call) => decodeTime(call.id.slice('obc_'.length)) >= decodeTime(endpointId as string));
        const printed = await eventually(
          async () => (existsSync(to.receiverLog) ? readFileSync(to.receiverLog, 'utf8') : ''),
          (text) => sinceEndpoint(text).length === 3,
          60_000,
          'three SessionEnded lines from the receiver',
        );
        const statusesSeen = sinceEndpoint(printed)
          .map((call) => call.status)
          .sort();
        expect(statusesSeen).toEqual(['busy', 'completed', 'voicemail']);
      }
    }, 180_000);
  }
});
