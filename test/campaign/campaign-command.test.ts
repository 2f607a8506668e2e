import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readContacts } from '../../tools/campaign/contacts.ts';
import { planCampaign, type PlannedChunk } from '../../tools/campaign/plan.ts';
import { Voisnap, type Call, type Campaign } from '../../sdk/typescript/src/index.ts';
import { startTamperingProxy } from '../support/http-fakes.ts';
import { eventually, minutesFromNow, startTestApi, type TestApi } from '../support/local-api.ts';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const AGENT = 'agt_01HXK8Z3MNPQRS';
const CONTACTS = 100;
/** Contacts per request in these tests (the command's default is the API's 1,000). */
const CHUNK = 10;
const PROGRESS_LINE = /^\[\s*\d+\/\d+\] scheduled lines/m;

interface Run {
  child: ChildProcess;
  output: () => string;
  exit: Promise<number | null>;
}

/** `npm run campaign -- …` as a child process with stdout a pipe (so: plain progress lines). */
function campaign(args: string[], baseUrl: string, apiKey: string): Run {
  const child = spawn(process.execPath, ['--import', 'tsx', 'tools/campaign/cli.ts', ...args], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      VOISNAP_BASE_URL: baseUrl,
      VOISNAP_API_KEY: apiKey,
      CAMPAIGN_CONTACTS_PER_REQUEST: String(CHUNK),
    },
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
  const findCampaign = async (name: string) => {
    for await (const campaign of client.campaigns.list({ pageSize: 100 })) if (campaign.name === name) return campaign;
    return undefined;
  };
  /** The calls of the campaign of that name: the calls carrying its campaignId. */
  const campaignCalls = async (name = 'spring-2030') => {
    const campaign = await findCampaign(name);
    const calls: Call[] = [];
    if (!campaign) return calls;
    for await (const call of client.outboundCalls.list({ pageSize: 100 }))
      if ((call as Call & { campaignId?: string }).campaignId === campaign.id) calls.push(call);
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
    expect(past.output()).toMatch(/--start .* has passed; pass a later --start/);
    expect(await campaignCalls('contacts')).toEqual([]);
  });

  it('--dry-run shows the plan and sends nothing', async () => {
    const result = schedule(['--dry-run']);
    expect(await result.exit).toBe(0);
    expect(result.output()).toContain(`Campaign "spring-2030": 100 contacts from ${contactsFile}, agent ${AGENT}`);
    expect(result.output()).toContain(`line 2: cust_000 +14155551000 at ${start}`);
    expect(result.output()).toContain(`calls due ${start} to `);
    expect(result.output()).toContain('Dry run: would schedule 100 calls; nothing was sent.');
    expect(await campaignCalls()).toEqual([]);
  });

  it('schedules a 100-row file exactly once, though killed and interrupted on the way', async () => {
    // 1. Killed: the proxy answers the create and 3 appends (40 contacts), passes one more append
    //    on but loses its answer, so the command hangs with 10 contacts added that it never heard
    //    about; then it is killed.
    const losing = await startTamperingProxy(api.stack.url, (request) => {
      const posts = losing.requests.filter((each) => each.method === 'POST').length;
      return request.method === 'POST' && posts > 4 ? 'never-answer' : 'forward';
    });
    const killed = schedule([], losing.url);
    await until(
      () =>
        progressLines(killed.output()) === 4 &&
        losing.requests.filter((r) => r.method === 'POST' && r.forwarded).length === 5,
      '4 answered and 1 lost request',
    );
    killed.child.kill('SIGKILL');
    expect(await killed.exit).toBeNull();
    await losing.close();
    expect(await campaignCalls()).toHaveLength(50);

    // The same file always sends the same requests with the same keys: a repeat gets the campaign back.
    const plan = planCampaign(
      readFileSync(contactsFile, 'utf8'),
      readContacts(readFileSync(contactsFile, 'utf8')).contacts,
      {
        campaign: 'spring-2030',
        agentId: AGENT,
        start: new Date(start),
        everyMs: 120_000,
        chunkSize: CHUNK,
      },
    );
    const existing = (await findCampaign('spring-2030')) as Campaign;
    const fifth = plan.chunks[4] as PlannedChunk;
    const again = await client.campaigns.addContacts(existing.id, fifth.contacts, {
      idempotencyKey: fifth.idempotencyKey,
    });
    expect(again.counts.total).toBe(50);
    expect(await campaignCalls()).toHaveLength(50);

    // 2. Ctrl-C: the request on its way finishes, no new one starts, and it says how to go on.
    const slow = await startTamperingProxy(api.stack.url, () => 'forward', { delayMs: 150 });
    const interrupted = schedule([], slow.url);
    await until(() => progressLines(interrupted.output()) >= 1, '10 more contacts');
    interrupted.child.kill('SIGINT');
    expect(await interrupted.exit, interrupted.output()).toBe(130);
    await slow.close();
    expect(interrupted.output()).toContain('50 of them were scheduled by an earlier run and are skipped.');
    expect(interrupted.output()).toContain(
      'Interrupted. Run the same command again to schedule the rest: nothing is scheduled twice.',
    );
    const afterInterrupt = (await campaignCalls()).length;
    expect(afterInterrupt).toBeGreaterThanOrEqual(60);
    expect(afterInterrupt).toBeLessThan(CONTACTS);

    // 3. The same command again finishes the job.
    const finished = schedule();
    expect(await finished.exit, finished.output()).toBe(0);
    expect(finished.output()).toContain(`scheduled now       ${CONTACTS - afterInterrupt}\n`);
    expect(finished.output()).toContain(`already scheduled   ${afterInterrupt}\n`);
    expect(finished.output()).toContain('not scheduled       0\n');

    const campaign = (await findCampaign('spring-2030')) as Campaign;
    expect(campaign).toMatchObject({ agentId: AGENT, startAt: start, counts: { total: CONTACTS } });
    expect(campaign.pacing?.callsPerMinute).toBe(0.5);
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
        metadata: { customerName: `Customer, No. ${i}`, tier: i % 2 ? 'gold' : 'silver' },
      });
      // One every 2 minutes from --start; contacts appended after a wait follow the last one.
      expect(Date.parse(call?.scheduledFor ?? '')).toBeGreaterThanOrEqual(Date.parse(start) + i * 120_000);
    }

    // 4. And again: nothing left to do.
    const repeated = schedule();
    expect(await repeated.exit).toBe(0);
    expect(repeated.output()).toContain('scheduled now       0\n');
    expect(repeated.output()).toContain(`already scheduled   ${CONTACTS}\n`);
    expect(await campaignCalls()).toHaveLength(CONTACTS);
  }, 300_000);

  it('answers a bad option or command with one line and the usage', async () => {
    const result = run(['status', '--campaign', 'spring-2030', '--bogus']);
    expect(await result.exit).toBe(2);
    const [first, second, third] = result.output().split('\n');
    expect(first).toContain("'--bogus'");
    expect(second).toBe('');
    expect(third).toContain('Usage: npm run campaign');
    const every = run(['schedule', contactsFile, '--agent', AGENT, '--start', start, '--every', '20h']);
    expect(await every.exit).toBe(2);
    expect(every.output()).toContain('--every must be an interval from 1s to 16h40m');
  });

  const statusShows = (text: string) =>
    eventually(
      async () => {
        const status = run(['status', '--campaign', 'spring-2030']);
        await status.exit;
        return status.output();
      },
      (output) => output.includes(text),
      90_000,
      `status showing ${JSON.stringify(text)}`,
    );

  it("status prints the campaign's counts by call status", async () => {
    const output = await statusShows(`  scheduled    ${CONTACTS}\n`);
    expect(output).toMatch(new RegExp(`^Campaign "spring-2030" \\(cmp_\\w+\\): \\w+, ${CONTACTS} contacts$`, 'm'));

    const unknown = run(['status', '--campaign', 'no-such-campaign']);
    expect(await unknown.exit).toBe(1);
    expect(unknown.output()).toContain('No campaign named "no-such-campaign"');
  });

  it('pause and resume the campaign', async () => {
    const paused = run(['pause', '--campaign', 'spring-2030']);
    expect(await paused.exit, paused.output()).toBe(0);
    expect(paused.output()).toContain('Campaign "spring-2030" is paused');
    expect((await findCampaign('spring-2030'))?.status).toBe('paused');
    const resumed = run(['resume', '--campaign', 'spring-2030']);
    expect(await resumed.exit, resumed.output()).toBe(0);
    // Its start is still ahead: resumed, it is scheduled again, not running early.
    expect(resumed.output()).toContain('Campaign "spring-2030" is scheduled again: it starts at ');
    expect((await findCampaign('spring-2030'))?.status).toBe('scheduled');
  });

  it('cancel cancels the campaign and its calls that have not started, and status shows it', async () => {
    const result = run(['cancel', '--campaign', 'spring-2030']);
    expect(await result.exit, result.output()).toBe(0);
    expect(result.output()).toContain('Campaign "spring-2030" is cancelled');
    await statusShows(`  cancelled    ${CONTACTS}\n`);
    const calls = await campaignCalls();
    expect(calls.filter((call) => call.status === 'cancelled')).toHaveLength(CONTACTS);
    // Running the schedule again says the campaign is cancelled, rather than that all is scheduled.
    const again = schedule();
    expect(await again.exit, again.output()).toBe(1);
    expect(again.output()).toContain('is cancelled: none of its calls will be made');
  });
});
