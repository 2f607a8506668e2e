/** The statuses a call ends in (the published API's terminal statuses). */
export const TERMINAL = ['completed', 'failed', 'no_answer', 'busy', 'cancelled', 'voicemail'];

/**
 * Each carrier simulator test number's true outcome, `[status, endReason]`, for a call with one
 * retry allowed (docs/test-numbers.md): the no-answer number is dialed twice, the invalid one never.
 */
export const TEST_NUMBER_OUTCOMES: Record<string, [string, string]> = {
  '+15005550100': ['completed', 'agent_ended'],
  '+15005550101': ['completed', 'customer_ended'],
  '+15005550102': ['no_answer', 'no_answer'],
  '+15005550103': ['busy', 'busy'],
  '+15005550104': ['voicemail', 'voicemail_left'],
  '+15005550105': ['failed', 'invalid_number'],
  '+15005550106': ['failed', 'provider_error'],
  '+15005550107': ['failed', 'fax_detected'],
  '+15005550108': ['voicemail', 'voicemail_left'],
};
