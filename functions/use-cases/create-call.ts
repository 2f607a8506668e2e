import { createHash } from 'node:crypto';
import stringify from 'safe-stable-stringify';
import { newCall, newCallId, toPublicCall } from '#domain/call';
import { NumberSuppressedError, OutcomeUnknownError, invalidRequest, unprocessable } from '#domain/errors';
import { DEFAULT_WATCHDOG_GRACE_SECONDS } from '#domain/call-lifecycle';
import { dialTimeWithin, OPENING_SEARCH_DAYS } from '#domain/calling-window-rules';
import { addMinutes, toTimestamp } from '#domain/time';
import { CallSchema, type Call, type StoredCall } from '#schemas/call';
import { LIMITS } from '#schemas/call-request-fields';
import type { CreateCallRequest } from '#schemas/create-call-request';
import type { Caller } from '#schemas/directory';
import type { CallRepository, CreateResult, IdempotencyRecord } from '#ports/call-repository';
import type { Clock } from '#ports/clock';
import type { Directory } from '#ports/directory';
import type { Metrics } from '#ports/metrics';
import type { PhoneZones } from '#ports/phone-zones';
import { afterWrite, type AfterWrite } from './after-write.ts';
import { callCreated } from './business-metrics.ts';
import { callingWindowRulesFor } from './calling-window-rules.ts';
import { windowZonesFor } from './calling-window-zones.ts';
import { dispatchCall, type DispatchDeps } from './dispatch-call.ts';

export interface CreateCallDeps extends DispatchDeps {
  calls: CallRepository;
  directory: Directory;
  clock: Clock;
  /** Time zones of numbers, for `callingWindow.timeZone: "callee"` (read only when a request needs it). */
  phoneZones: PhoneZones;
  /** Counts each call created (CallsCreated); an idempotent replay is not a new call. */
  metrics: Metrics;
  /**
   * Told when a stored call could not be sent on its way in time (after-write.ts). The create still
   * succeeds: the call's watchdog makes the reconciler dispatch it within minutes, whereas a 500
   * would invite the client to retry and create (and dial) a second call.
   */
  onDispatchFailed: (callId: string, error: unknown) => void;
  /**
   * False where the deployment has no carrier simulator (a stage setting): test keys' calls
   * would have nowhere to go, so they are refused here rather than failed later. Default true.
   */
  testCallsPlaceable?: boolean;
  /** Bounds the work after each write (after-write.ts); a request writing many calls shares one budget. Default afterWrite. */
  afterWrite?: AfterWrite;
}

export interface CreateCallCommand {
  caller: Caller;
  request: CreateCallRequest;
  /** The request exactly as sent (before defaults), for matching idempotent retries. */
  rawRequest: unknown;
  idempotencyKey?: string;
  /** Set when the call is a campaign's contact (create-campaign.ts); not a field of the public request. */
  campaignId?: string;
}

export interface CreateCallResult {
  call: Call;
  /** True when this answers a repeated Idempotency-Key with the first response. */
  replayed: boolean;
}

/**
 * `scheduledFor` (ISO 8601, already valid by the request schema) as a date, judged against `now`:
 * up to LIMITS.scheduledForSkewToleranceMinutes in the past is accepted (due now, a late batch
 * script); further back throws a 400 `scheduled_for_in_past` naming the field.
 */
export function judgeScheduledFor(requested: string, now: Date): Date {
  const scheduledFor = new Date(requested);
  const tolerance = LIMITS.scheduledForSkewToleranceMinutes;
  if (scheduledFor < addMinutes(now, -tolerance)) {
    throw invalidRequest(
      'scheduled_for_in_past',
      `scheduledFor ${requested} is more than ${tolerance} minutes in the past.`,
      'scheduledFor',
    );
  }
  return scheduledFor;
}

export async function createCall(deps: CreateCallDeps, command: CreateCallCommand): Promise<CreateCallResult> {
  const { caller, request } = command;
  const now = deps.clock.now();

  // 0. A test key's call goes to the carrier simulator; without one it could only fail.
  if (caller.keyMode === 'test' && deps.testCallsPlaceable === false) {
    throw unprocessable(
      'test_calls_unavailable',
      'This deployment has no carrier simulator, so calls cannot be made with a test key here; use a live key, or a deployment with the simulator.',
    );
  }

  // 1. The agent must be one of the caller's; another account's agent is indistinguishable from none.
  const agent = await deps.directory.getAgent(caller.accountId, request.agentId);
  if (!agent) {
    throw invalidRequest('agent_not_found', `No agent ${request.agentId} exists in this account.`, 'agentId');
  }

  // 2. Caller ID: the requested number if this agent may use it, else the agent's default.
  const fromNumber = request.fromNumber ?? agent.defaultFromNumber;
  if (request.fromNumber && !agent.numbers.includes(request.fromNumber)) {
    throw invalidRequest(
      'from_number_not_assigned',
      `fromNumber ${request.fromNumber} is not a provisioned number assigned to agent ${agent.id}.`,
      'fromNumber',
    );
  }
  if (!fromNumber) {
    throw invalidRequest(
      'agent_has_no_number',
      `Agent ${agent.id} has no phone number assigned; assign one to it (fromNumber only picks among the agent's own numbers).`,
      'agentId',
    );
  }

  // 3. A time slightly in the past (a late batch script) is due now; further back is a mistake.
  const scheduledFor = request.scheduledFor ? judgeScheduledFor(request.scheduledFor, now) : null;

  // 4. Retries: the published pair is the no-answer rule, and retryPolicy.no_answer is the same rule.
  const noAnswer = request.retryPolicy?.no_answer;
  if (noAnswer && (request.maxRetries !== undefined || request.retryDelayMinutes !== undefined)) {
    throw invalidRequest(
      'conflicting_retry_settings',
      'retryPolicy.no_answer and maxRetries/retryDelayMinutes both set the no-answer retries; send one or the other.',
      'retryPolicy.no_answer',
    );
  }

  // 5. Never call a number the account has suppressed: checked by the write itself (step 8).

  // 6. The first attempt is due at scheduledFor (or now), moved to the calling window's next opening.
  const window = request.callingWindow
    ? { window: request.callingWindow, zones: await windowZonesFor(deps, request.callingWindow, request.toNumber) }
    : null;
  const due = scheduledFor && scheduledFor > now ? scheduledFor : now;
  const windows = await callingWindowRulesFor(window?.window ?? null);
  const firstDial = dialTimeWithin(windows, window?.window ?? null, window?.zones ?? null, due);
  if (firstDial === null) {
    throw invalidRequest(
      'calling_window_never_open',
      `callingWindow is not open at any time in the next ${OPENING_SEARCH_DAYS} days for the callee's time zones (${window?.zones.join(', ')}).`,
      'callingWindow',
    );
  }
  const dialAt = firstDial.getTime() === due.getTime() ? scheduledFor : firstDial;

  // 7. Build the call; the state machine's first status follows from when it is due.
  const call = newCall(
    {
      id: newCallId(now),
      accountId: caller.accountId,
      keyMode: caller.keyMode,
      agentId: agent.id,
      fromNumber,
      toNumber: request.toNumber,
      scheduledFor: dialAt,
      metadata: request.metadata ?? {},
      maxRetries: noAnswer?.maxRetries ?? request.maxRetries ?? LIMITS.maxRetries.default,
      retryDelayMinutes: noAnswer?.delayMinutes ?? request.retryDelayMinutes ?? LIMITS.retryDelayMinutes.default,
      overrideFirstMessage: request.overrideFirstMessage ?? null,
      agentFirstMessage:
        request.overrideFirstMessage === undefined ? keptFirstMessage(agent.defaultFirstMessage) : null,
      campaignId: command.campaignId,
      callingWindow: window,
      retryPolicy: request.retryPolicy ?? null,
    },
    now,
  );
  const response = toPublicCall(call);

  // 8. Write it, atomically with the idempotency record; a repeated key answers with the first response.
  const idempotency = command.idempotencyKey
    ? {
        accountId: caller.accountId,
        key: command.idempotencyKey,
        requestHash: requestHash(command.rawRequest),
        callId: call.id,
        response,
      }
    : undefined;
  const result = await writeNewCall(deps, call, idempotency);
  if (result.created) {
    deps.metrics.record(callCreated(call));
    // 9. Send it on its way (to the dial queue now, or a schedule for later), within a deadline.
    await dispatchOrLeaveToReconciler(deps, call);
    return { call: response, replayed: false };
  }

  if (result.existing.requestHash !== idempotency?.requestHash) {
    throw unprocessable(
      'idempotency_key_reused',
      'This Idempotency-Key was already used with a different request body; use a new key for a new call.',
      'Idempotency-Key',
    );
  }
  // A retry may follow a first attempt that stored the call but failed to dispatch it.
  const stored = await (deps.afterWrite ?? afterWrite)(async () => {
    const call = await deps.calls.getById(result.existing.callId);
    if (call) await dispatchOrLeaveToReconciler(deps, call);
  });
  if (stored !== null) deps.onDispatchFailed(result.existing.callId, stored);
  // The first answer again, in the call's own field order (the store keeps it as a map, unordered).
  const replay = CallSchema.safeParse(result.existing.response);
  return { call: replay.success ? replay.data : (result.existing.response as Call), replayed: true };
}

/**
 * Step 8's write. A suppressed number is a 422 `number_suppressed`. A write the store never
 * answered, even when sent once more (OutcomeUnknownError, from the adapter), may have landed:
 * a `500 internal_error` would invite the client to create the call again, and the person would
 * be called twice. So it answers `500 outcome_unknown` naming the call, which the reconciler
 * dispatches if it was stored, when its watchdog comes due (a grace period after it was created,
 * or after its scheduledFor). Nothing is sent from here: the answer stays within the function's time.
 */
async function writeNewCall(
  deps: CreateCallDeps,
  call: StoredCall,
  idempotency: IdempotencyRecord | undefined,
): Promise<CreateResult> {
  try {
    return await deps.calls.create(call, idempotency);
  } catch (error) {
    if (error instanceof NumberSuppressedError) {
      throw unprocessable(
        'number_suppressed',
        "toNumber is on this account's suppression list; remove it there (DELETE /api/v1/suppressions/{phoneNumber}) to call it.",
        'toNumber',
      );
    }
    if (!(error instanceof OutcomeUnknownError)) throw error;
    const next = idempotency
      ? `Read it (GET /api/v1/outbound-calls/${call.id}), or send the create again with the same Idempotency-Key, which answers with this call if it was created.`
      : `Read it (GET /api/v1/outbound-calls/${call.id}) before creating it again: a second create would make a second call.`;
    throw error.about(
      `The call ${call.id} may have been created (if it was, it will be made, a few minutes late at worst): the database stopped answering while it was being written. ${next}`,
    );
  }
}

/**
 * Dispatches a stored call within the after-write deadline. If that fails, a scheduled call's
 * watchdog is brought forward (also within the deadline) so that the reconciler dispatches it
 * within minutes rather than only once it is overdue; a queued call's watchdog is already that near.
 */
async function dispatchOrLeaveToReconciler(deps: CreateCallDeps, call: StoredCall): Promise<void> {
  const bounded = deps.afterWrite ?? afterWrite;
  const failure = await bounded(() => dispatchCall(deps, call));
  if (failure === null) return;
  deps.onDispatchFailed(call.id, failure);
  if (call.status === 'scheduled') {
    const soon = toTimestamp(new Date(deps.clock.now().getTime() + DEFAULT_WATCHDOG_GRACE_SECONDS * 1000));
    const notMoved = await bounded(() => deps.calls.touchWatchdog(call, soon));
    if (notMoved !== null) deps.onDispatchFailed(call.id, notMoved);
  }
}

/**
 * The agent's default first message, kept on the call so the answer does not read the agent again;
 * null (the answer reads the agent) for one longer than an override may be, so a call item stays
 * within the bounds its request was checked against.
 */
function keptFirstMessage(message: string): string | null {
  return [...message].length <= LIMITS.overrideFirstMessageLength ? message : null;
}

function requestHash(rawRequest: unknown): string {
  return createHash('sha256')
    .update(stringify(rawRequest) ?? '')
    .digest('hex');
}
