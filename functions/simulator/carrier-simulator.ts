import { randomBytes, timingSafeEqual } from 'node:crypto';
import spec from '../../reference/twilio-calls-openapi.json' with { type: 'json' };
import {
  encodeForm,
  parseForm,
  single,
  twilioSignature,
  urlWithoutPort,
  type FormParams,
} from '../adapters/telephony/twilio-protocol.ts';
import { TwimlParseError, findElement, parseTwiml } from './twiml-parser.ts';

/**
 * A phone network in a box that speaks Twilio's Calls API: it accepts exactly the requests
 * Twilio's published OpenAPI description allows (reference/twilio-calls-openapi.json), fetches
 * the answer URL like Twilio does, and posts signed status callbacks with realistic timing.
 * Test numbers decide each call's fate (docs/test-numbers.md).
 */

export type Scenario =
  | 'agent_ends'
  | 'customer_ends'
  | 'no_answer'
  | 'busy'
  | 'voicemail'
  | 'invalid_number'
  | 'provider_error'
  | 'fax'
  | 'voicemail_verdict_on_answer_only';

export const TEST_NUMBERS: Record<string, Scenario> = {
  '+15005550100': 'agent_ends',
  '+15005550101': 'customer_ends',
  '+15005550102': 'no_answer',
  '+15005550103': 'busy',
  '+15005550104': 'voicemail',
  '+15005550105': 'invalid_number',
  '+15005550106': 'provider_error',
  '+15005550107': 'fax',
  '+15005550108': 'voicemail_verdict_on_answer_only',
};
/** Every other number answers, talks, and the agent ends the call. */
export const DEFAULT_SCENARIO: Scenario = 'agent_ends';

/** Seconds each phase takes at time scale 1. */
const TIMING = {
  initiated: 0.2,
  ringing: 1,
  answer: 3,
  conversation: 8,
  voicemailGreeting: 4,
  voicemailMessage: 5,
  rejected: 0.5,
};

export interface SimulatedCall {
  sid: string;
  accountSid: string;
  to: string;
  from: string;
  status: 'queued' | 'ringing' | 'in-progress' | 'completed' | 'busy' | 'failed' | 'no-answer' | 'canceled';
  params: FormParams;
  createdAt: string;
  startTime: string | null;
  endTime: string | null;
  duration: number | null;
  answeredBy: string | null;
  /** What the answer URL returned, for tests and for debugging a local run. */
  answerTwiml: string | null;
  /** Set by a hang-up request (POST Calls/{Sid}.json Status=completed). */
  hangUpRequested: boolean;
  sequence: number;
  /** Where this call's webhooks may go: the service's telephony webhook URL prefix. */
  webhookPrefix: string;
  /**
   * Twilio's error for what went wrong with the call's instructions, as its debugger would show
   * it: 11200 (the URL could not be fetched, or may not be), 12100 (the TwiML does not parse).
   */
  errorCode: number | null;
  /** This call's clock error in seconds, in chaos mode (Timestamp is off by this much). */
  clockSkewSeconds: number;
}

/** Where the simulator keeps its calls: memory on a laptop, the table in AWS. */
export interface SimulatedCallStore {
  get(sid: string): Promise<SimulatedCall | null>;
  save(call: SimulatedCall): Promise<void>;
}

export class InMemorySimulatedCallStore implements SimulatedCallStore {
  readonly calls = new Map<string, SimulatedCall>();
  async get(sid: string) {
    const call = this.calls.get(sid);
    return call ? structuredClone(call) : null;
  }
  async save(call: SimulatedCall) {
    this.calls.set(call.sid, structuredClone(call));
  }
}

export interface CarrierSimulatorOptions {
  accountSid: string;
  authToken: string;
  store: SimulatedCallStore;
  /** Multiplies every delay: 1 is realistic, tests use a small fraction. */
  timeScale: number;
  /** Starts a call's scenario in the background: a detached promise locally, an async invocation in AWS. */
  startScenario: (sid: string) => Promise<void>;
  /** Share of status callbacks silently lost (0–1), to prove the service copes. */
  dropStatusCallbacks?: number;
  /**
   * The network at its worst, for tests: status callbacks duplicated, delayed and so reordered;
   * the answering machine verdict only on the answer request; URLs signed without their port;
   * no CallDuration; each call's clock skewed by up to ten minutes either way.
   */
  chaos?: boolean;
  /**
   * The service's public origin (or base URL): the simulator's requests go only to its telephony
   * webhooks (origin + /telephony/twilio/); any other URL is refused like an unreachable one.
   * Without it, the origin the Calls API was reached at is used (in AWS, the same API).
   */
  webhookBaseUrl?: string;
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export interface SimulatorRequest {
  method: string;
  /** The path below the simulator's base URL, e.g. /2010-04-01/Accounts/AC…/Calls.json. */
  path: string;
  authorization: string | undefined;
  body: string;
  /** The public origin the request reached the simulator at (https://api.example.com). */
  origin?: string;
}

export interface SimulatorResponse {
  status: number;
  body: string;
}

type ParamSpec = { type?: string; enum?: string[]; items?: { type?: string } };
const paths = spec.paths as Record<
  string,
  {
    post: {
      requestBody: {
        content: Record<string, { schema: { required?: string[]; properties: Record<string, ParamSpec> } }>;
      };
    };
  }
>;
/** The form parameters of one operation in Twilio's published description. */
function formSchemaOf(path: string): { required?: string[]; properties: Record<string, ParamSpec> } {
  const schema = paths[path]?.post.requestBody.content['application/x-www-form-urlencoded']?.schema;
  if (!schema) throw new Error(`reference/twilio-calls-openapi.json has no form body for POST ${path}`);
  return schema;
}
const createSchema = formSchemaOf('/2010-04-01/Accounts/{AccountSid}/Calls.json');
const updateSchema = formSchemaOf('/2010-04-01/Accounts/{AccountSid}/Calls/{Sid}.json');
const STATUS_CALLBACK_EVENTS = ['initiated', 'ringing', 'answered', 'completed'];
const MACHINE_DETECTION = ['Enable', 'DetectMessageEnd'];
const HTTP_METHODS = ['GET', 'POST'];

const twilioError = (status: number, code: number, message: string): SimulatorResponse => ({
  status,
  body: JSON.stringify({ code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status }),
});

export class CarrierSimulator {
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;

  constructor(private readonly options: CarrierSimulatorOptions) {
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.random = options.random ?? Math.random;
  }

  /** The Calls API: create, fetch, update (hang up). */
  async handle(request: SimulatorRequest): Promise<SimulatorResponse> {
    const match = /^\/2010-04-01\/Accounts\/([^/]+)\/Calls(?:\/([^/]+))?\.json$/.exec(request.path);
    if (!match) return twilioError(404, 20404, 'The requested resource was not found');
    const [, accountSid, sid] = match;
    if (!this.authorized(request.authorization, accountSid)) return twilioError(401, 20003, 'Authenticate');

    if (!sid && request.method === 'POST')
      return this.create(accountSid as string, parseForm(request.body), request.origin);
    if (sid && request.method === 'GET') {
      const call = await this.options.store.get(sid);
      return call
        ? { status: 200, body: JSON.stringify(this.resource(call)) }
        : twilioError(404, 20404, `Call ${sid} was not found`);
    }
    if (sid && request.method === 'POST') return this.update(sid, parseForm(request.body));
    return twilioError(405, 20004, 'Method not allowed');
  }

  private authorized(header: string | undefined, accountSid: string | undefined): boolean {
    const expected = Buffer.from(
      `Basic ${Buffer.from(`${this.options.accountSid}:${this.options.authToken}`).toString('base64')}`,
    );
    const given = Buffer.from(header ?? '');
    return (
      given.length === expected.length && timingSafeEqual(given, expected) && accountSid === this.options.accountSid
    );
  }

  private async create(accountSid: string, params: FormParams, origin: string | undefined): Promise<SimulatorResponse> {
    const base = this.options.webhookBaseUrl ?? origin;
    if (!base) return twilioError(500, 20500, 'The simulator does not know where the service receives webhooks');
    const invalid = validate(params, createSchema);
    if (invalid) return invalid;
    if (!params.Url && !params.Twiml && !params.ApplicationSid) {
      return twilioError(400, 21205, 'Url, Twiml or ApplicationSid is required');
    }
    const events = params.StatusCallbackEvent === undefined ? [] : [params.StatusCallbackEvent].flat();
    const unknownEvent = events.find((event) => !STATUS_CALLBACK_EVENTS.includes(event));
    if (unknownEvent) return twilioError(400, 21626, `Invalid StatusCallbackEvent ${unknownEvent}`);
    const detection = single(params, 'MachineDetection');
    if (detection && !MACHINE_DETECTION.includes(detection))
      return twilioError(400, 21626, `Invalid MachineDetection ${detection}`);
    for (const name of ['Method', 'StatusCallbackMethod']) {
      const method = single(params, name);
      if (method && !HTTP_METHODS.includes(method)) return twilioError(400, 21626, `Invalid ${name} ${method}`);
    }
    const timeout = Number(single(params, 'Timeout') ?? 60);
    if (timeout < 1 || timeout > 600) return twilioError(400, 21626, 'Timeout must be between 1 and 600');

    const to = single(params, 'To') as string;
    if (!/^\+[1-9]\d{6,14}$/.test(to) || scenarioOf(to) === 'invalid_number') {
      return twilioError(400, 21211, `Invalid 'To' Phone Number: ${to}`);
    }
    const call: SimulatedCall = {
      sid: `CA${randomBytes(16).toString('hex')}`,
      accountSid,
      to,
      from: single(params, 'From') as string,
      status: 'queued',
      params,
      createdAt: new Date().toUTCString(),
      startTime: null,
      endTime: null,
      duration: null,
      answeredBy: null,
      answerTwiml: null,
      hangUpRequested: false,
      sequence: 0,
      webhookPrefix: `${new URL(base).origin}/telephony/twilio/`,
      errorCode: null,
      clockSkewSeconds: this.options.chaos ? Math.round((this.random() * 2 - 1) * 600) : 0,
    };
    await this.options.store.save(call);
    await this.options.startScenario(call.sid);
    return { status: 201, body: JSON.stringify(this.resource(call)) };
  }

  private async update(sid: string, params: FormParams): Promise<SimulatorResponse> {
    const invalid = validate(params, updateSchema);
    if (invalid) return invalid;
    const call = await this.options.store.get(sid);
    if (!call) return twilioError(404, 20404, `Call ${sid} was not found`);
    const status = single(params, 'Status');
    if (status === 'completed' || status === 'canceled') {
      call.hangUpRequested = true;
      await this.options.store.save(call);
    }
    return { status: 200, body: JSON.stringify(this.resource(call)) };
  }

  /** Plays a call's scenario to its end: the calls the network makes back to the service. */
  async runScenario(sid: string): Promise<void> {
    try {
      await this.playScenario(sid);
    } finally {
      // Delayed (chaos) deliveries belong to the scenario: it ends when they have been made.
      await Promise.allSettled(this.deliveries.get(sid) ?? []);
      this.deliveries.delete(sid);
    }
  }

  private readonly deliveries = new Map<string, Promise<unknown>[]>();

  private async playScenario(sid: string): Promise<void> {
    const call = await this.options.store.get(sid);
    if (!call) return;
    const scenario = scenarioOf(call.to);
    const wait = (seconds: number) => this.sleep(seconds * 1000 * this.options.timeScale);

    await wait(TIMING.initiated);
    await this.progress(call, 'initiated', 'queued');
    if (scenario === 'provider_error') {
      await wait(TIMING.rejected);
      return this.finish(call, 'failed');
    }
    if (scenario === 'busy') {
      await wait(TIMING.rejected);
      return this.finish(call, 'busy');
    }
    await wait(TIMING.ringing);
    await this.progress(call, 'ringing', 'ringing');
    const ringTimeout = Number(single(call.params, 'Timeout') ?? 60);
    if (scenario === 'no_answer') {
      await wait(ringTimeout);
      return this.finish(call, 'no-answer');
    }
    await wait(Math.min(TIMING.answer, ringTimeout));

    // Answered. With answering machine detection on, Twilio first decides who answered
    // (https://www.twilio.com/docs/voice/answering-machine-detection): DetectMessageEnd waits
    // for a machine's greeting to end.
    const machine = scenario === 'voicemail' || scenario === 'voicemail_verdict_on_answer_only';
    const detection = single(call.params, 'MachineDetection');
    if (machine && detection === 'DetectMessageEnd') await wait(TIMING.voicemailGreeting);
    call.startTime = new Date().toUTCString();
    call.answeredBy = detection ? verdictOf(scenario, detection) : null;
    call.status = 'in-progress';
    await this.options.store.save(call);
    const instructions = await this.fetchAnswerUrl(call);
    await this.options.store.save(call);
    await this.progress(call, 'answered', 'in-progress');

    const connect = instructions ? findElement(instructions, 'Connect') : undefined;
    const stream = connect ? findElement(connect, 'Stream') : undefined;
    const connected = /^wss?:\/\//.test(stream?.attributes.url ?? '');
    if (connected) await wait(machine ? TIMING.voicemailMessage : TIMING.conversation);
    // A hang-up request (POST Calls/{Sid}.json Status=completed) ends the call where it stands.
    if ((await this.options.store.get(call.sid))?.hangUpRequested) return this.finish(call, 'completed');
    const action = connect?.attributes.action;
    // The agent hanging up closes its stream, and Twilio then asks the <Connect> action what next.
    if (connected && (scenario === 'agent_ends' || machine) && action)
      await this.postSigned(call, action, this.baseParams(call));
    return this.finish(call, 'completed');
  }

  /**
   * Fetches and reads the call's instructions as strictly as Twilio: a URL that may not be
   * reached or does not answer 2xx is error 11200, TwiML that does not parse is 12100; either way
   * Twilio plays its application error and hangs up, so the call ends without instructions.
   */
  private async fetchAnswerUrl(call: SimulatedCall): Promise<ReturnType<typeof parseTwiml> | null> {
    const url = single(call.params, 'Url');
    const params = { ...this.baseParams(call), ...(call.answeredBy ? { AnsweredBy: call.answeredBy } : {}) };
    const response = url ? await this.postSigned(call, url, params) : null;
    const twiml = url
      ? response?.ok
        ? await response.text().catch(() => null)
        : null
      : (single(call.params, 'Twiml') ?? null);
    call.answerTwiml = twiml;
    if (twiml === null) {
      call.errorCode = 11200;
      return null;
    }
    try {
      const root = parseTwiml(twiml);
      if (root.name !== 'Response') throw new TwimlParseError(`the root element is <${root.name}>, not <Response>`);
      return root;
    } catch (error) {
      if (!(error instanceof TwimlParseError)) throw error;
      call.errorCode = error.code;
      return null;
    }
  }

  private async progress(call: SimulatedCall, event: string, status: SimulatedCall['status']): Promise<void> {
    call.status = status;
    await this.options.store.save(call);
    await this.statusCallback(call, event, status === 'queued' ? 'initiated' : status);
  }

  private async finish(call: SimulatedCall, status: SimulatedCall['status']): Promise<void> {
    const latest = (await this.options.store.get(call.sid)) ?? call;
    const ended = new Date();
    call.status = status;
    call.endTime = ended.toUTCString();
    call.duration = call.startTime ? Math.round((ended.getTime() - Date.parse(call.startTime)) / 1000) : 0;
    call.hangUpRequested = latest.hangUpRequested;
    await this.options.store.save(call);
    await this.statusCallback(call, 'completed', status);
  }

  private async statusCallback(call: SimulatedCall, event: string, callStatus: string): Promise<void> {
    const url = single(call.params, 'StatusCallback');
    const events = [call.params.StatusCallbackEvent ?? 'completed'].flat();
    if (!url || !events.includes(event)) return;
    if (this.random() < (this.options.dropStatusCallbacks ?? 0)) return;
    call.sequence += 1;
    await this.options.store.save(call);
    const chaos = this.options.chaos ?? false;
    // Twilio's status callback parameters (https://www.twilio.com/docs/voice/api/call-resource#statuscallback).
    const verdictOnStatus = !chaos && scenarioOf(call.to) !== 'voicemail_verdict_on_answer_only';
    const params = {
      ...this.baseParams(call),
      CallStatus: callStatus,
      CallbackSource: 'call-progress-events',
      SequenceNumber: String(call.sequence - 1),
      Timestamp: new Date(Date.now() + call.clockSkewSeconds * 1000).toUTCString(),
      ...(!chaos && (callStatus === 'completed' || call.duration !== null)
        ? { CallDuration: String(call.duration ?? 0), Duration: String(Math.ceil((call.duration ?? 0) / 60)) }
        : {}),
      ...(call.answeredBy && verdictOnStatus ? { AnsweredBy: call.answeredBy } : {}),
    };
    if (!chaos) {
      await this.postSigned(call, url, params);
      return;
    }
    // Chaos: each report is delayed (so reports overtake each other), and some arrive twice.
    const copies = this.random() < 0.3 ? 2 : 1;
    const pending = this.deliveries.get(call.sid) ?? [];
    for (let copy = 0; copy < copies; copy++) {
      const delayMs = this.random() * 5000 * this.options.timeScale;
      pending.push(this.sleep(delayMs).then(() => this.postSigned(call, url, params)));
    }
    this.deliveries.set(call.sid, pending);
  }

  private baseParams(call: SimulatedCall): Record<string, string> {
    return {
      AccountSid: call.accountSid,
      ApiVersion: '2010-04-01',
      CallSid: call.sid,
      CallStatus: call.status,
      Direction: 'outbound-api',
      From: call.from,
      To: call.to,
    };
  }

  /**
   * Posts a signed webhook, only to the service's own telephony webhooks (call.webhookPrefix):
   * any other URL is refused, like an unreachable one (null). Twilio retries nothing here: a
   * webhook that fails is simply a lost report. In chaos mode half the requests are signed over
   * the URL without its port, as a proxy in front of the service would make Twilio sign it.
   */
  private async postSigned(call: SimulatedCall, url: string, params: Record<string, string>): Promise<Response | null> {
    if (!url.startsWith(call.webhookPrefix)) return null;
    const signedUrl = this.options.chaos && this.random() < 0.5 ? urlWithoutPort(url) : url;
    try {
      return await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-twilio-signature': twilioSignature(this.options.authToken, signedUrl, params),
        },
        body: encodeForm(params),
        redirect: 'manual',
        signal: AbortSignal.timeout(15_000),
      });
    } catch {
      return null;
    }
  }

  /** The call resource, with the fields of Twilio's published schema. */
  private resource(call: SimulatedCall): Record<string, unknown> {
    return {
      sid: call.sid,
      date_created: call.createdAt,
      date_updated: new Date().toUTCString(),
      parent_call_sid: null,
      account_sid: call.accountSid,
      to: call.to,
      to_formatted: call.to,
      from: call.from,
      from_formatted: call.from,
      phone_number_sid: null,
      status: call.status,
      start_time: call.startTime,
      end_time: call.endTime,
      duration: call.duration === null ? null : String(call.duration),
      price: null,
      price_unit: 'USD',
      direction: 'outbound-api',
      answered_by: call.answeredBy,
      api_version: '2010-04-01',
      forwarded_from: null,
      group_sid: null,
      caller_name: null,
      queue_time: '0',
      trunk_sid: null,
      uri: `/2010-04-01/Accounts/${call.accountSid}/Calls/${call.sid}.json`,
      subresource_uris: {},
    };
  }
}

export function scenarioOf(number: string): Scenario {
  return TEST_NUMBERS[number] ?? DEFAULT_SCENARIO;
}

/** What answering machine detection reports for the scenario, per its mode (Enable or DetectMessageEnd). */
function verdictOf(scenario: Scenario, detection: string): string {
  if (scenario === 'fax') return 'fax';
  if (scenario === 'voicemail' || scenario === 'voicemail_verdict_on_answer_only')
    return detection === 'Enable' ? 'machine_start' : 'machine_end_beep';
  return 'human';
}

/** Checks form parameters against the operation's published schema: names, required, types. */
function validate(
  params: FormParams,
  schema: { required?: string[]; properties: Record<string, ParamSpec> },
): SimulatorResponse | null {
  for (const name of schema.required ?? []) {
    if (params[name] === undefined) return twilioError(400, 21201, `Required parameter ${name} missing`);
  }
  for (const [name, value] of Object.entries(params)) {
    const property = schema.properties[name];
    if (!property) return twilioError(400, 20001, `Unknown parameter ${name}`);
    const values = [value].flat();
    if (property.type !== 'array' && values.length > 1)
      return twilioError(400, 20001, `Parameter ${name} given more than once`);
    const itemType = property.type === 'array' ? property.items?.type : property.type;
    for (const v of values) {
      if (itemType === 'integer' && !/^-?\d+$/.test(v))
        return twilioError(400, 20001, `Parameter ${name} must be an integer`);
      if (itemType === 'boolean' && v !== 'true' && v !== 'false')
        return twilioError(400, 20001, `Parameter ${name} must be true or false`);
      if (property.enum && !property.enum.includes(v))
        return twilioError(400, 20001, `Parameter ${name} must be one of ${property.enum.join(', ')}`);
    }
  }
  return null;
}
