import { answererOf, currentAttempt } from '#domain/call-lifecycle';
import { isTerminal } from '#domain/call-status-machine';
import type { AnsweredBy, Metadata, StoredCall } from '#schemas/call';
import type { Directory } from '#ports/directory';
import { applyCallEventTo, type CallEventDeps } from './apply-call-event.ts';

/** What the agent runtime needs to take over an answered call. */
export interface AgentSession {
  callId: string;
  agentId: string;
  conversationId: string;
  firstMessage: string;
  metadata: Metadata;
  /** A machine answered: the agent leaves a message instead of holding a conversation. */
  leaveVoicemail: boolean;
}

/**
 * The provider asks what to do with an answered call. The request is itself news: the call was
 * answered (if its "answered" report was lost or is late, the call moves to in_progress now),
 * and with synchronous answering machine detection it carries the verdict on who answered, which
 * is kept on the attempt. Null means hang up: the call is unknown, the request is about an attempt
 * that is no longer the current one, or a fax machine answered. `known`: the call as the caller
 * has just read it, so that it is not read again (applyCallEvent). The first message is the
 * call's overrideFirstMessage, else the agent's default as it was when the call was created (kept
 * on the call: no read of the agent).
 */
export async function answerCall(
  deps: CallEventDeps & { directory: Directory },
  request: { callId: string; attempt: number; answeredBy: AnsweredBy | undefined; providerCallId?: string },
  known?: StoredCall,
): Promise<AgentSession | null> {
  const { call } = await applyCallEventTo(
    deps,
    {
      callId: request.callId,
      attempt: request.attempt,
      event: {
        kind: 'answered',
        at: deps.clock.now(),
        ...(request.answeredBy ? { answeredBy: request.answeredBy } : {}),
      },
      providerCallId: request.providerCallId,
    },
    known,
  );
  if (!call || currentAttempt(call) !== request.attempt || !call.pendingConversationId || isTerminal(call.status))
    return null;
  const answerer = answererOf(call.answeredBy ?? request.answeredBy);
  if (answerer === 'fax') return null;
  // The agent's message as of the create is on the call; calls stored before it was kept read the agent.
  const firstMessage =
    call.overrideFirstMessage ??
    call.agentFirstMessage ??
    (await deps.directory.getAgent(call.accountId, call.agentId))?.defaultFirstMessage;
  if (firstMessage === undefined) return null;
  return {
    callId: call.id,
    agentId: call.agentId,
    conversationId: call.pendingConversationId,
    firstMessage,
    metadata: call.metadata,
    leaveVoicemail: answerer === 'machine',
  };
}

/**
 * The agent's media stream ended while the line was still up (the <Connect> action request): the
 * agent ended the conversation, and the service answers with a hang-up. The call ends here, as
 * `agent_ended` (or with its voicemail outcome when it was leaving a message), through the state
 * machine like any provider report, so the provider's `completed` that follows changes nothing
 * (one write for the end, not two). Does nothing for another attempt or a call not under way.
 * Rejects with ConcurrentModificationError if the call kept changing under it (retryOnConflict).
 * `known`: the call as the caller has just read it, used for the first judgement instead of a
 * second read.
 */
export async function recordAgentEnded(
  deps: CallEventDeps,
  request: { callId: string; attempt: number },
  known?: StoredCall,
): Promise<void> {
  await applyCallEventTo(
    deps,
    {
      callId: request.callId,
      attempt: request.attempt,
      event: { kind: 'completed', at: deps.clock.now(), agentEnded: true },
    },
    known,
  );
}
