import { randomBytes, timingSafeEqual } from 'node:crypto';
import spec from '../../../reference/twilio-calls-openapi.json' with { type: 'json' };
import {
  encodeForm,
  parseForm,
  single,
  twilioSignature,
  type FormParams,
} from './twilio-protocol.ts';

/**
 * A phone network in a box that speaks Twilio's Calls API: it accepts exactly the requests
 * Twilio's published OpenAPI description allows (reference/twilio-calls-openapi.json), fetches
 * the answer URL like Twilio does, and posts signed status callbacks with realistic timing.
 * Test numbers decide each call's fate (docs/test-numbers.md).
 */

export type Scenario = 'agent_ends' | 'customer_ends' | 'no_answer' | 'busy' | 'voicemail' | 'invalid_number' | 'provider_error';

export const TEST_NUMBERS: Record<string, Scenario> = {
  '+15005550100': 'agent_ends',
  '+15005550101': 'customer_ends',
  '+15005550102': 'no_answer',
  '+15005550103': 'busy',
  '+15005550104': 'voicemail',
  '+15005550105': 'invalid_number',
  '+15005550106': 'provider_error',
};
/** Every other number answers, talks, and the agent ends the call. */
export const DEFAULT_SCENARIO: Scenario = 'agent_ends';

/** Seconds each phase takes at time scale 1. */
const TIMING = { initiated: 0.2, ringing: 1, answer: 3, conversation: 8, voicemailGreeting: 4, voicemailMessage: 5, rejected: 0.5 };

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
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export interface SimulatorRequest {
  method: string;
  /** The path below the simulator's base URL, e.g. /2010-04-01/Accounts/AC…/Calls.json. */
  path: string;
  authorization: string | undefined;
  body: string;
}

export interface SimulatorResponse {
  status: number;
  body: string;
}

type ParamSpec = { type?: string; enum?: string[]; items?: { type?: string } };
const paths = spec.paths as Record<string, { post: { requestBody: { content: Record<string, { schema: { required?: string[]; properties: Record<string, ParamSpec> } }> } } }>;
const createSchema = paths['/2010-04-01/Accounts/{AccountSid}/Calls.json']!.post.requestBody.content['application/x-www-form-urlencoded']!.schema;
const updateSchema = paths['/2010-04-01/Accounts/{AccountSid}/Calls/{Sid}.json']!.post.requestBody.content['application/x-www-form-urlencoded']!.schema;
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

    if (!sid && request.method === 'POST') return this.create(accountSid as string, parseForm(request.body));
    if (sid && request.method === 'GET') {
      const call = await this.options.store.get(sid);
      return call ? { status: 200, body: JSON.stringify(this.resource(call)) } : twilioError(404, 20404, `Call ${sid} was not found`);
    }
    if (sid && request.method === 'POST') return this.update(sid, parseForm(request.body));
    return twilioError(405, 20004, 'Method not allowed');
  }

  private authorized(header: string | undefined, accountSid: string | undefined): boolean {
    const expected = Buffer.from(`Basic ${Buffer.from(`${this.options.accountSid}:${this.options.authToken}`).toString('base64')}`);
    const given = Buffer.from(header ?? '');
    return given.length === expected.length && timingSafeEqual(given, expected) && accountSid === this.options.accountSid;
  }

  private async create(accountSid: string, params: FormParams): Promise<SimulatorResponse> {
    const invalid = validate(params, createSchema);
    if (invalid) return invalid;
    if (!params.Url && !params.Twiml && !params.ApplicationSid) {
      return twilioError(400, 21205, 'Url, Twiml or ApplicationSid is required');
    }
    const events = params.StatusCallbackEvent === undefined ? [] : [params.StatusCallbackEvent].flat();
    const unknownEvent = events.find((event) => !STATUS_CALLBACK_EVENTS.includes(event));
    if (unknownEvent) return twilioError(400, 21626, `Invalid StatusCallbackEvent ${unknownEvent}`);
    const detection = single(params, 'MachineDetection');
    if (detection && !MACHINE_DETECTION.includes(detection)) return twilioError(400, 21626, `Invalid MachineDetection ${detection}`);
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

    // Answered. With answering machine detection on, Twilio first decides who answered.
    const machine = scenario === 'voicemail';
    const detection = single(call.params, 'MachineDetection');
    if (machine && detection === 'DetectMessageEnd') await wait(TIMING.voicemailGreeting);
    call.startTime = new Date().toUTCString();
    call.answeredBy = detection ? (machine ? 'machine_end_beep' : 'human') : null;
    call.status = 'in-progress';
    await this.options.store.save(call);
    const twiml = await this.fetchAnswerUrl(call);
    call.answerTwiml = twiml;
    await this.options.store.save(call);
    await this.progress(call, 'answered', 'in-progress');

    const connected = twiml !== null && /<Connect[\s>]/.test(twiml) && /<Stream[^>]+url="wss?:\/\//.test(twiml);
    if (connected) await wait(machine ? TIMING.voicemailMessage : TIMING.conversation);
    // A hang-up request (POST Calls/{Sid}.json Status=completed) ends the call where it stands.
    if ((await this.options.store.get(call.sid))?.hangUpRequested) return this.finish(call, 'completed');
    const action = twiml ? /<Connect[^>]*\saction="([^"]+)"/.exec(twiml)?.[1]?.replace(/&amp;/g, '&') : undefined;
    // The agent hanging up closes its stream, and Twilio then asks the <Connect> action what next.
    if (connected && (scenario === 'agent_ends' || machine) && action) await this.postSigned(action, this.baseParams(call));
    return this.finish(call, 'completed');
  }

  private async fetchAnswerUrl(call: SimulatedCall): Promise<string | null> {
    const url = single(call.params, 'Url');
    if (!url) return single(call.params, 'Twiml') ?? null;
    const params = { ...this.baseParams(call), ...(call.answeredBy ? { AnsweredBy: call.answeredBy } : {}) };
    const response = await this.postSigned(url, params);
    return response && response.ok ? await response.text() : null;
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
    await this.postSigned(url, {
      ...this.baseParams(call),
      CallStatus: callStatus,
      CallbackSource: 'call-progress-events',
      SequenceNumber: String(call.sequence - 1),
      Timestamp: new Date().toUTCString(),
      ...(callStatus === 'completed' || call.duration !== null ? { CallDuration: String(call.duration ?? 0), Duration: String(Math.ceil((call.duration ?? 0) / 60)) } : {}),
      ...(call.answeredBy ? { AnsweredBy: call.answeredBy } : {}),
    });
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

  /** Twilio retries nothing here: a webhook that fails is simply a lost report. */
  private async postSigned(url: string, params: Record<string, string>): Promise<Response | null> {
    try {
      return await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-twilio-signature': twilioSignature(this.options.authToken, url, params),
        },
        body: encodeForm(params),
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

/** Checks form parameters against the operation's published schema: names, required, types. */
function validate(params: FormParams, schema: { required?: string[]; properties: Record<string, ParamSpec> }): SimulatorResponse | null {
  for (const name of schema.required ?? []) {
    if (params[name] === undefined) return twilioError(400, 21201, `Required parameter ${name} missing`);
  }
  for (const [name, value] of Object.entries(params)) {
    const property = schema.properties[name];
    if (!property) return twilioError(400, 20001, `Unknown parameter ${name}`);
    const values = [value].flat();
    if (property.type !== 'array' && values.length > 1) return twilioError(400, 20001, `Parameter ${name} given more than once`);
    const itemType = property.type === 'array' ? property.items?.type : property.type;
    for (const v of values) {
      if (itemType === 'integer' && !/^-?\d+$/.test(v)) return twilioError(400, 20001, `Parameter ${name} must be an integer`);
      if (itemType === 'boolean' && v !== 'true' && v !== 'false') return twilioError(400, 20001, `Parameter ${name} must be true or false`);
      if (property.enum && !property.enum.includes(v)) return twilioError(400, 20001, `Parameter ${name} must be one of ${property.enum.join(', ')}`);
    }
  }
  return null;
}
