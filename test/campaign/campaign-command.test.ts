import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readContacts } from '../../tools/campaign/contacts.ts';
import { planCampaign, type PlannedCall } from '../../tools/campaign/plan.ts';
import { Voisnap, type Call } from '../../sdk/typescript/src/index.ts';
import { startTamperingProxy } from '../support/http-fakes.ts';
import { minutesFromNow, startTestApi, type TestApi } from '../support/local-api.ts';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const AGENT = 'agt_01HXK8Z3MNPQRS';
const CONTACTS = 100;
const PROGRESS_LINE = /^\[\s*\d+\/\d+\] scheduled line/m;

interface Run {
  child: ChildProcess;
  output: () => string;
  exit: Promise<number | null>;
}

/** `npm run campaign -- …` as a child process with stdout a pipe (so: plain progress lines). */
function campaign(args: string[], baseUrl: string, apiKey: string): Run {
  const child = spawn(process.execPath, ['--import', 'tsx', 'tools/campaign/cli.ts', ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, VOISNAP_BASE_URL: baseUrl, VOISNAP_API_KEY: apiKey },
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { child, output: () => output, exit };
}

const progressLines = (output: string) => output.split('\n').filter((line) => PROGRESS_LINE.test(line)).length;

async function until(condition: () => boolean, what: string, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('npm run campaign', () => {
  let api: TestApi;
  let client: Voisnap;
  let dir: string;
  let contactsFile: string;
  let start: string;
  const run = (args: string[], baseUrl = api.stack.url) => campaign(args, baseUrl, api.stack.apiKey);
  const schedule = (extra: string[] = [], baseUrl?: string) =>
    run(
      [
        'schedule',
        contactsFile,
        '--agent',
        AGENT,
        '--start',
        start,
        '--every',
        '2m',
        '--campaign',
        'spring-2030',
        ...extra,
      ],
      baseUrl,
    );
  const campaignCalls = async (name = 'spring-2030') => {
    const calls: Call[] = [];
    for await (const call of client.outboundCalls.list({ pageSize: 100 }))
      if (call.metadata.campaignId === name) calls.push(call);
    return calls;
  };

  beforeAll(async () => {
    api = await startTestApi();
    client = new Voisnap({ apiKey: api.stack.apiKey, baseUrl: api.stack.url });
    dir = mkdtempSync(join(tmpdir(), 'campaign-'));
    contactsFile = join(dir, 'contacts.csv');
    const rows = Array.from(
      { length: CONTACTS },
      (_, i) =>
        `+1415555${String(1000 + i)},cust_${String(i).padStart(3, '0')},"Customer, No. ${i}",${i % 2 ? 'gold' : 'silver'}`,
    );
    writeFileSync(contactsFile, `${['phone,id,name,tier', ...rows].join('\n')}\n`);
    // Minutes ahead, so every call stays scheduled while the test looks at it.
    start = minutesFromNow(30);
  });
  afterAll(async () => {
    await api.stack.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reports every bad row with its line number before creating anything', async () => {
    const bad = join(dir, 'bad.csv');
    writeFileSync(
      bad,
      'phone,id,name\n+14155550100,c1,"Smith, Jane"\n415 555 0101,c2,Bob\n+14155550102,c1,Ann\n+14155550103,c4\n+14155550104,c5,"Multi\nline"\n+14155550105,,Eve\n',
    );
    const result = run(['schedule', bad, '--agent', AGENT, '--start', start, '--every', '2m']);
    expect(await result.exit).toBe(1);
    expect(result.output()).toContain('bad.csv: 4 rows need fixing; nothing was scheduled.');
    expect(result.output()).toContain('line 3: phone "415 555 0101" is not a phone number in E.164 format');
    expect(result.output()).toContain('line 4: id "c1" is also on line 2');
    expect(result.output()).toContain('line 5: has 2 fields; the header has 3');
    expect(result.output()).toContain('line 8: id is empty');
    expect(await campaignCalls('bad')).toEqual([]);
  });

  it('refuses a start time without a zone, and one that has passed', async () => {
    const noZone = run(['schedule', contactsFile, '--agent', AGENT, '--start', '2030-06-17T09:00:00', '--every', '2m']);
    expect(await noZone.exit).toBe(2);
    expect(noZone.output()).toContain('--start must be an ISO 8601 date-time with a zone');
    const past = run(['schedule', contactsFile, '--agent', AGENT, '--start', minutesFromNow(-60), '--every', '2m']);
    expect(await past.exit).toBe(1);
    expect(past.output()).toMatch(/line 2: would be due at .*, which has passed/);
    expect(await campaignCalls('contacts')).toEqual([]);
  });

  it('--dry-run shows the plan and sends nothing', async () => {
    const result = schedule(['--dry-run']);
    expect(await result.exit).toBe(0);
    expect(result.output()).toContain(`Campaign "spring-2030": 100 contacts from ${contactsFile}, agent ${AGENT}`);
    expect(result.output()).toContain(`line 2: cust_000 +14155551000 at ${start}`);
    expect(result.output()).toContain('Dry run: would schedule 100 calls; nothing was sent.');
    expect(await campaignCalls()).toEqual([]);
  });

  it('schedules a 100-row file exactly once, though killed and interrupted on the way', async () => {
    // 1. Killed: the proxy answers 40 creates, passes 4 more on but loses their answers, so the
    //    command hangs with four calls created that it never heard about; then it is killed.
    const losing = await startTamperingProxy(api.stack.url, (request) => {
      const creates = losing.requests.filter((each) => each.method === 'POST').length;
      return request.method === 'POST' && creates > 40 ? 'never-answer' : 'forward';
    });
    const killed = schedule([], losing.url);
    // Wait until the server has answered all 44 (the proxy then withholds four answers).
    await until(
      () =>
        progressLines(killed.output()) === 40 &&
        losing.requests.filter((r) => r.method === 'POST' && r.forwarded).length === 44,
      '40 answered and 4 lost creates',
    );
    killed.child.kill('SIGKILL');
    expect(await killed.exit).toBeNull();
    await losing.close();
    expect(await campaignCalls()).toHaveLength(44);

    // The same row always sends the same request with the same key: a repeat gets the first call back.
    const plan = planCampaign(readContacts(readFileSync(contactsFile, 'utf8')).contacts, {
      campaign: 'spring-2030',
      agentId: AGENT,
      start: new Date(start),
      everyMs: 120_000,
    });
    const first = plan.calls[0] as PlannedCall;
    const again = await client.outboundCalls.create(first.request, { idempotencyKey: first.idempotencyKey });
    expect(again.metadata.customerId).toBe('cust_000');
    expect(await campaignCalls()).toHaveLength(44);

    // 2. Ctrl-C: the creates on their way finish, no new one starts, and it says how to go on.
    const slow = await startTamperingProxy(api.stack.url, () => 'forward', { delayMs: 150 });
    const interrupted = schedule([], slow.url);
    await until(() => progressLines(interrupted.output()) >= 10, '10 more calls');
    interrupted.child.kill('SIGINT');
    expect(await interrupted.exit).toBe(130);
    await slow.close();
    expect(interrupted.output()).toContain('44 of them were scheduled by an earlier run and are skipped.');
    expect(interrupted.output()).toContain(
      'Interrupted. Run the same command again to schedule the rest: nothing is scheduled twice.',
    );
    const afterInterrupt = (await campaignCalls()).length;
    expect(afterInterrupt).toBeGreaterThanOrEqual(54);
    expect(afterInterrupt).toBeLessThan(CONTACTS);

    // 3. The same command again finishes the job.
    const finished = schedule();
    expect(await finished.exit, finished.output()).toBe(0);
    expect(finished.output()).toContain(`scheduled now       ${CONTACTS - afterInterrupt}\n`);
    expect(finished.output()).toContain(`already scheduled   ${afterInterrupt}\n`);
    expect(finished.output()).toContain('not scheduled       0\n');

    const calls = await campaignCalls();
    expect(calls).toHaveLength(CONTACTS);
    const byCustomer = new Map(calls.map((call) => [call.metadata.customerId, call]));
    expect(byCustomer.size).toBe(CONTACTS);
    for (let i = 0; i < CONTACTS; i++) {
      const call = byCustomer.get(`cust_${String(i).padStart(3, '0')}`);
      expect(call).toMatchObject({
        agentId: AGENT,
        toNumber: `+1415555${1000 + i}`,
        status: 'scheduled',
        scheduledFor: new Date(Date.parse(start) + i * 120_000).toISOString().replace('.000Z', 'Z'),
        metadata: { campaignId: 'spring-2030', customerName: `Customer, No. ${i}`, tier: i % 2 ? 'gold' : 'silver' },
      });
    }

    // 4. And again: nothing left to do.
    const repeated = schedule();
    expect(await repeated.exit).toBe(0);
    expect(repeated.output()).toContain('scheduled now       0\n');
    expect(repeated.output()).toContain(`already scheduled   ${CONTACTS}\n`);
    expect(await campaignCalls()).toHaveLength(CONTACTS);
  }, 300_000);

  it("status counts the campaign's calls by status", async () => {
    const result = run(['status', '--campaign', 'spring-2030']);
    expect(await result.exit).toBe(0);
    expect(result.output()).toContain(`Campaign "spring-2030": ${CONTACTS} calls\n  scheduled    ${CONTACTS}\n`);
    expect(result.output()).toContain(`Next call due ${start}`);

    const unknown = run(['status', '--campaign', 'no-such-campaign']);
    expect(await unknown.exit).toBe(1);
    expect(unknown.output()).toContain('No calls found for campaign "no-such-campaign"');
  });

  it('cancel cancels the calls that have not started, and status shows it', async () => {
    const result = run(['cancel', '--campaign', 'spring-2030']);
    expect(await result.exit, result.output()).toBe(0);
    expect(result.output()).toContain(
      `Cancelled ${CONTACTS}. Not cancelled: 0 started meanwhile, 0 had started or ended already.`,
    );
    const calls = await campaignCalls();
    expect(calls.filter((call) => call.status === 'cancelled')).toHaveLength(CONTACTS);

    const status = run(['status', '--campaign', 'spring-2030']);
    expect(await status.exit).toBe(0);
    expect(status.output()).toContain(`  cancelled    ${CONTACTS}\n`);

    const again = run(['cancel', '--campaign', 'spring-2030']);
    expect(await again.exit).toBe(0);
    expect(again.output()).toContain(
      `Cancelled 0. Not cancelled: 0 started meanwhile, ${CONTACTS} had started or ended already.`,
    );
  });
});
