/**
 * The API's types, generated from docs/openapi.json by openapi-typescript (`npm run openapi`).
 * Do not edit: change the zod schemas in functions/schemas/ and regenerate.
 */

export interface paths {
    "/api/v1/outbound-calls": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List outbound calls
         * @description The account's calls, newest first, one page at a time. Follow `nextCursor` (as `cursor`) to page through every result.
         */
        get: operations["listCalls"];
        put?: never;
        /**
         * Create an outbound call
         * @description Places a call now, or schedules it for `scheduledFor`. A call due now is created `queued`; a later one `scheduled`.
         */
        post: operations["createCall"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/outbound-calls/{callId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get an outbound call */
        get: operations["getCall"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Change a scheduled call
         * @description Changes `scheduledFor`, `metadata` (replaced as a whole), `overrideFirstMessage`, `maxRetries` or `retryDelayMinutes` of a call that is still `scheduled`, with the create request's rules; any other status is a 409 `call_not_updatable`. A new `scheduledFor` moves the call's schedule: it is dialed at the new time only, never at the old one.
         */
        patch: operations["updateCall"];
        trace?: never;
    };
    "/api/v1/outbound-calls/{callId}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Cancel an outbound call
         * @description Only calls with status `scheduled` or `queued` can be cancelled; a pending schedule is deleted.
         */
        post: operations["cancelCall"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/campaigns": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List campaigns */
        get: operations["listCampaigns"];
        put?: never;
        /**
         * Create a campaign
         * @description Stores the campaign and creates one outbound call per contact (carrying `campaignId`), due from `startAt` one every 60 / callsPerMinute seconds.
         */
        post: operations["createCampaign"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/campaigns/{campaignId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get a campaign, with its counts */
        get: operations["getCampaign"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/campaigns/{campaignId}/contacts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Add contacts to a campaign
         * @description Due after the campaign's last contact, at its pace. A cancelled campaign takes none (409).
         */
        post: operations["appendCampaignContacts"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/campaigns/{campaignId}/pause": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Pause a campaign
         * @description Once this answers, no call of the campaign starts dialing; calls already dialing or connected finish.
         */
        post: operations["pauseCampaign"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/campaigns/{campaignId}/resume": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Resume a paused campaign
         * @description The calls the pause held are dialed again from now, at the campaign’s pace. The campaign is `running` again, or `scheduled` while its `startAt` is ahead.
         */
        post: operations["resumeCampaign"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/campaigns/{campaignId}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Cancel a campaign
         * @description Every call of the campaign not yet dialed ends `cancelled`.
         */
        post: operations["cancelCampaign"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/webhooks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List webhook endpoints */
        get: operations["listWebhooks"];
        put?: never;
        /**
         * Register a webhook endpoint
         * @description Returns the endpoint and its signing secret, which is shown only here. An account may have 20 endpoints.
         */
        post: operations["createWebhook"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/webhooks/{webhookId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get a webhook endpoint */
        get: operations["getWebhook"];
        put?: never;
        post?: never;
        /** Delete a webhook endpoint */
        delete: operations["deleteWebhook"];
        options?: never;
        head?: never;
        /** Change a webhook endpoint */
        patch: operations["updateWebhook"];
        trace?: never;
    };
    "/api/v1/webhooks/{webhookId}/rotate-secret": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Rotate a webhook endpoint's signing secret
         * @description The previous secret keeps signing beside the new one until previousSecretExpiresAt.
         */
        post: operations["rotateWebhookSecret"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/webhooks/{webhookId}/deliveries": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List a webhook endpoint's delivery attempts */
        get: operations["listWebhookDeliveries"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/webhooks/{webhookId}/events/{eventId}/redeliver": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Send an event to a webhook endpoint again
         * @description Events are kept 30 days.
         */
        post: operations["redeliverWebhookEvent"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/suppressions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List suppressed numbers */
        get: operations["listSuppressions"];
        put?: never;
        /**
         * Suppress a number
         * @description Idempotent: a number already on the list answers 200 with its entry as first stored. A call to a suppressed number is refused (422 `number_suppressed`); one already scheduled is never dialed (it ends `cancelled`, endReason `suppressed`).
         */
        post: operations["createSuppression"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/suppressions/{phoneNumber}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Unsuppress a number */
        delete: operations["deleteSuppression"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/openapi.json": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * This OpenAPI document
         * @description Needs no API key.
         */
        get: operations["getOpenApiDocument"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export interface webhooks {
    SessionStarted: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** SessionStarted event */
        post: operations["receiveSessionStarted"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    SessionEnded: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** SessionEnded event */
        post: operations["receiveSessionEnded"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    OutboundCallStatusChanged: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** OutboundCallStatusChanged event */
        post: operations["receiveOutboundCallStatusChanged"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    CampaignCompleted: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** CampaignCompleted event */
        post: operations["receiveCampaignCompleted"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export interface components {
    schemas: {
        /** @description Unknown fields are rejected (400 unknown_field), so a typo never silently changes what a request means. */
        CreateCallRequest: {
            /** @description Agent to handle the call: an agent of your account. */
            agentId: string;
            /** @description E.164 destination phone number, such as `+14155550199`. */
            toNumber: string;
            /** @description Caller ID: a provisioned number assigned to this agent. Default: the agent's default number. */
            fromNumber?: string;
            /** @description ISO 8601 date-time, with a zone (`Z` or an offset such as `+02:00`), to schedule the call. Absent or null: now. Up to 5 minutes in the past is accepted and means now. */
            scheduledFor?: string | null;
            /** @description Arbitrary key-value pairs passed to the agent session; nested values allowed, at most 8192 bytes as JSON. */
            metadata?: {
                [key: string]: unknown;
            };
            /** @description Auto-retry on no-answer (0–3, default 0). */
            maxRetries?: number;
            /** @description Minutes between retries (1–1440, default 15). */
            retryDelayMinutes?: number;
            /** @description Override the agent's default first message for this call. */
            overrideFirstMessage?: string;
            /** @description Dial every attempt only inside this window; one due outside it (scheduledFor, or a retry) moves to its next opening. */
            callingWindow?: components["schemas"]["CallingWindow"];
            /** @description Retries per outcome. `no_answer` is the same rule as maxRetries/retryDelayMinutes: send one or the other (400 conflicting_retry_settings). */
            retryPolicy?: components["schemas"]["RetryPolicy"];
        };
        /** @description Any of the fields, at least one (400 empty_update); unknown fields are rejected (400 unknown_field). Only a `scheduled` call can change (any other status is 409 call_not_updatable); a new scheduledFor moves its schedule, so the old time never dials it. */
        UpdateCallRequest: {
            /**
             * Format: date-time
             * @description The new ISO 8601 date-time, with a zone, to dial the call (not null: to dial now, send the current time). Up to 5 minutes in the past is accepted and means now. The call is dialed at this time only.
             */
            scheduledFor?: string;
            /** @description Replaces the call's metadata as a whole; at most 8192 bytes as JSON. */
            metadata?: {
                [key: string]: unknown;
            };
            /** @description Override the agent's default first message for this call. */
            overrideFirstMessage?: string;
            /** @description Auto-retry on no-answer (0–3). */
            maxRetries?: number;
            /** @description Minutes between retries (1–1440). */
            retryDelayMinutes?: number;
        };
        /**
         * @description scheduled: waiting for scheduledFor. queued: ready to dial, pending a telephony slot. initiating: being placed. ringing. in_progress: connected, the conversation is active. completed: ended normally. failed: could not be connected. no_answer. busy. cancelled: cancelled before connecting. voicemail: voicemail detected and a message left.
         * @enum {string}
         */
        CallStatus: "scheduled" | "queued" | "initiating" | "ringing" | "in_progress" | "completed" | "failed" | "no_answer" | "busy" | "cancelled" | "voicemail";
        CreateWebhookRequest: {
            /** @description Where to POST events: https, at most 2048 characters, not a private, loopback or link-local address. */
            url: string;
            /** @description The event types to receive, at least one. */
            events: ("SessionStarted" | "SessionEnded" | "OutboundCallStatusChanged" | "CampaignCompleted")[];
            /** @description Your note about the endpoint, at most 500 characters. */
            description?: string;
        };
        /** @description Any of the fields, at least one. */
        UpdateWebhookRequest: {
            /** @description A new URL, under the same rules as at creation. */
            url?: string;
            /** @description The event types to receive from now on. */
            events?: ("SessionStarted" | "SessionEnded" | "OutboundCallStatusChanged" | "CampaignCompleted")[];
            /** @description A new note; null removes it. */
            description?: string | null;
            /** @description false stops deliveries; true resumes them and clears disabledReason. */
            enabled?: boolean;
        };
        /**
         * @description SessionStarted: the call was answered and the conversation begins. SessionEnded: the call reached a terminal status (a no-answer that will be retried has not). OutboundCallStatusChanged: any status change, creation included. CampaignCompleted: the last call of a campaign ended (once per campaign).
         * @enum {string}
         */
        WebhookEventType: "SessionStarted" | "SessionEnded" | "OutboundCallStatusChanged" | "CampaignCompleted";
        /** @description Unknown fields are rejected (400 unknown_field). Checked before anything is stored: a contact whose call could not be made refuses the whole request. */
        CreateCampaignRequest: {
            /** @description A name for people, 1 to 200 characters. */
            name: string;
            /** @description Agent to handle every call: an agent of your account. */
            agentId: string;
            /** @description Caller ID for every call: a provisioned number assigned to this agent. Default: the agent's default number. */
            fromNumber?: string;
            /** @description The contacts, 1 to 1000 per request; each number at most once per request (a repeat is a 400 naming it). Each becomes one outbound call. */
            contacts: components["schemas"]["CampaignContact"][];
            /**
             * Format: date-time
             * @description ISO 8601 date-time with a zone: the first contact is due then. Default: now.
             */
            startAt?: string;
            /** @description How fast the campaign dials. */
            pacing?: {
                /** @description Calls started per minute (0.001–600, default 10); the provider's calls-per-second limit still applies beneath it. */
                callsPerMinute?: number;
                /** @description Calls of the campaign dialing or connected at once (1 up to your account's concurrent-call limit, which is the default). */
                maxConcurrentCalls?: number;
            };
            /** @description When every attempt of every call may be dialed, as a call's callingWindow; a contact's own timeZone replaces the window's zone for that contact. */
            callingWindow?: components["schemas"]["CallingWindow"];
            /** @description Retries per outcome of every call, as a call's retryPolicy. */
            retryPolicy?: components["schemas"]["RetryPolicy"];
        };
        /** @description Unknown fields are rejected (400 unknown_field). */
        AppendContactsRequest: {
            /** @description The contacts, 1 to 1000 per request; each number at most once per request (a repeat is a 400 naming it). Each becomes one outbound call. */
            contacts: components["schemas"]["CampaignContact"][];
        };
        /** @description One contact of a campaign: it becomes one outbound call. */
        CampaignContact: {
            /** @description E.164 phone number to call. */
            toNumber: string;
            /** @description Key-value pairs for this contact's call, passed to the agent session (as a call's metadata). */
            metadata?: {
                [key: string]: unknown;
            };
            /** @description The agent's first message for this contact's call. */
            overrideFirstMessage?: string;
            /** @description The callee's IANA time zone; wins over the zone a calling window derives from the number. */
            timeZone?: string;
        };
        /** @description When attempts of a call may be dialed, local time. An attempt due outside it moves to its next opening; daylight-saving changes never shift or skip a window. */
        CallingWindow: {
            /** @description Days of the week attempts may be dialed (`mon`…`sun`), each at most once, at least one. */
            days: ("mon" | "tue" | "wed" | "thu" | "fri" | "sat" | "sun")[];
            /** @description Local time HH:MM the window opens (inclusive). */
            start: string;
            /** @description Local time HH:MM the window closes (exclusive); after `start` (a window does not cross midnight). */
            end: string;
            /** @description `callee`: the zone(s) of the number called, from its country and area code (open in all of them at once); or an IANA zone such as `America/New_York`. */
            timeZone: string;
            /** @description With `timeZone` `callee`: the IANA zone of a number whose own zone its country and area code do not tell (non-geographic numbers such as +1 500 or +1 800, or a number known only by its country). Without it, such a number is `400 callee_time_zone_unknown`. */
            defaultTimeZone?: string;
            /** @description Local dates (holidays) with no calls: up to 100 ranges of {from, to}, inclusive, YYYY-MM-DD, from on or before to. */
            blackoutDates?: {
                from: string;
                to: string;
            }[];
        };
        /** @description Retries per outcome; an outcome without an entry is not retried. `no_answer` is the same rule as maxRetries/retryDelayMinutes. */
        RetryPolicy: {
            /** @description Retries after an attempt that ended no_answer. */
            no_answer?: {
                /** @description Retries after this outcome (0–3). */
                maxRetries: number;
                /** @description Minutes from the end of the attempt to the retry (1–1440), then moved into the calling window. */
                delayMinutes: number;
            };
            /** @description Retries after an attempt that ended busy. */
            busy?: {
                /** @description Retries after this outcome (0–3). */
                maxRetries: number;
                /** @description Minutes from the end of the attempt to the retry (1–1440), then moved into the calling window. */
                delayMinutes: number;
            };
            /** @description Retries after an attempt that ended voicemail. */
            voicemail?: {
                /** @description Retries after this outcome (0–3). */
                maxRetries: number;
                /** @description Minutes from the end of the attempt to the retry (1–1440), then moved into the calling window. */
                delayMinutes: number;
            };
            /** @description Retries after a retryable failure: `provider_error` or `dial_timeout` before anyone answered. */
            failed?: {
                /** @description Retries after a retryable failure (0–3). */
                maxRetries: number;
                /** @description Minutes from the failure to the retry (1–1440), then moved into the calling window. */
                delayMinutes: number;
            };
        };
        /** @description Unknown fields are rejected. */
        CreateSuppressionRequest: {
            /** @description E.164 number never to be called, such as `+14155550199`. */
            phoneNumber: string;
            /** @description Your note on why, at most 500 characters. */
            reason?: string;
        };
        /** @description An outbound call: every field of the published object, plus maxRetries, retryDelayMinutes, overrideFirstMessage, attempts and updatedAt. */
        Call: {
            /** @description `obc_` followed by a ULID, so ids sort by creation time. */
            id: string;
            /** @description The agent that handles the call. */
            agentId: string;
            /** @description Caller ID: the requested number, or the agent's default number. */
            fromNumber: string;
            /** @description E.164 destination phone number. */
            toNumber: string;
            /** @description Where the call is in its lifecycle. */
            status: components["schemas"]["CallStatus"];
            /**
             * @description Always `outbound`.
             * @constant
             */
            direction: "outbound";
            /** @description When the current attempt is due (UTC ISO 8601, such as 2025-06-16T14:00:00Z); null for an immediate call. */
            scheduledFor: string | null;
            /** @description When the current attempt was sent to the phone network (UTC ISO 8601, such as 2025-06-16T14:00:00Z); null before that. */
            initiatedAt: string | null;
            /** @description When the current attempt was answered (UTC ISO 8601, such as 2025-06-16T14:00:00Z); null if it has not been. */
            connectedAt: string | null;
            /** @description When the current attempt ended or the call was cancelled (UTC ISO 8601, such as 2025-06-16T14:00:00Z); null before that. */
            endedAt: string | null;
            /** @description Seconds from `connectedAt` to `endedAt`; 0 if never connected; null until the call ends. */
            durationSeconds: number | null;
            /** @description The agent's conversation (`conv_` followed by a ULID), set when the call is answered. */
            conversationId: string | null;
            /** @description The key-value pairs given at creation, passed to the agent session. */
            metadata: components["schemas"]["Metadata"];
            /** @description Why the call (its latest attempt) ended; null until it ends. */
            endReason: components["schemas"]["EndReason"] | null;
            /** @description Retries made so far: 0 during the first attempt. */
            retryCount: number;
            /** @description Retries allowed after no answer. */
            maxRetries: number;
            /** @description Minutes between an unanswered attempt and its retry. */
            retryDelayMinutes: number;
            /** @description The agent's first message for this call, if it was overridden; else null. */
            overrideFirstMessage: string | null;
            /**
             * @description When attempts may be dialed (local time); null: any time.
             * @default null
             */
            callingWindow: components["schemas"]["CallingWindow"] | null;
            /**
             * @description Retries per outcome as requested; null: only the no-answer retries of maxRetries and retryDelayMinutes.
             * @default null
             */
            retryPolicy: components["schemas"]["RetryPolicy"] | null;
            /** @description One entry per dial attempt, oldest first; the top-level timing fields describe the latest. */
            attempts: components["schemas"]["CallAttempt"][];
            /** @description The campaign whose contact this call is (`cmp_` followed by a ULID); absent for a call created on its own. */
            campaignId?: string;
            /** @description When the call was created (UTC ISO 8601, such as 2025-06-16T14:00:00Z). */
            createdAt: string;
            /** @description When the call last changed (UTC ISO 8601, such as 2025-06-16T14:00:00Z). */
            updatedAt: string;
        };
        /** @description One dial attempt of a call. */
        CallAttempt: {
            /** @description Attempt number, from 1. */
            attempt: number;
            /** @description When this attempt was due (UTC ISO 8601, such as 2025-06-16T14:00:00Z); null for an immediate first attempt. */
            scheduledFor: string | null;
            /** @description When this attempt was sent to the phone network (UTC ISO 8601, such as 2025-06-16T14:00:00Z). */
            initiatedAt: string | null;
            /** @description When this attempt was answered (UTC ISO 8601, such as 2025-06-16T14:00:00Z); null if it was not. */
            connectedAt: string | null;
            /** @description When this attempt ended (UTC ISO 8601, such as 2025-06-16T14:00:00Z); null while it goes on. */
            endedAt: string | null;
            /** @description Seconds from `connectedAt` to `endedAt`; 0 if never connected; null while it goes on. */
            durationSeconds: number | null;
            /** @description This attempt's status: its outcome once it has ended. */
            status: components["schemas"]["CallStatus"];
            /** @description Why this attempt ended; null while it goes on. */
            endReason: components["schemas"]["EndReason"] | null;
        };
        /**
         * @description Why a call (or an attempt) ended.
         * @enum {string}
         */
        EndReason: "agent_ended" | "customer_ended" | "voicemail_left" | "no_answer" | "busy" | "invalid_number" | "provider_error" | "cancelled" | "max_duration" | "dial_timeout" | "fax_detected" | "suppressed" | "calling_window_closed";
        /** @description Arbitrary key-value pairs (nested values allowed). */
        Metadata: {
            [key: string]: unknown;
        };
        /** @description One page of calls, newest first. */
        CallList: {
            /** @description The calls of this page, newest first. */
            data: components["schemas"]["Call"][];
            /** @description This page's number. */
            page: number;
            /** @description Items per page. */
            pageSize: number;
            /** @description Whether another page follows. */
            hasMore: boolean;
            /** @description Pass as `cursor` (with the same filters) to get the next page; null on the last page. */
            nextCursor: string | null;
        };
        /** @description The one shape of every error the service answers. */
        Error: {
            /** @description What went wrong. */
            error: {
                /**
                 * @description The kind of error; each kind has one HTTP status.
                 * @enum {string}
                 */
                type: "invalid_request" | "authentication_failed" | "not_found" | "method_not_allowed" | "conflict" | "unprocessable" | "request_too_large" | "uri_too_long" | "unsupported_media_type" | "rate_limited" | "internal";
                /** @description What exactly went wrong, for programs: such as `invalid_phone_number` or `call_not_cancellable`. */
                code: string;
                /** @description What went wrong, for people. */
                message: string;
                /** @description The field, query parameter or header at fault, when there is one. */
                param?: string;
                /** @description The Request-Id header of the response: quote it to support to find the request. */
                requestId?: string;
            };
        };
        /** @description What API Gateway answers by itself, before the service sees the request. */
        GatewayError: {
            /** @description API Gateway's message, such as `Unauthorized` or `Too Many Requests`. */
            message: string;
        };
        /** @description A webhook endpoint: never its signing secrets. */
        WebhookEndpoint: {
            /** @description The endpoint id. */
            id: string;
            /** @description Where events are POSTed. */
            url: string;
            /** @description The event types this endpoint receives. */
            events: components["schemas"]["WebhookEventType"][];
            /** @description Your note about the endpoint; null if none. */
            description: string | null;
            /** @description Whether events are sent to it. The service disables an endpoint that keeps failing. */
            enabled: boolean;
            /** @description Why the service disabled the endpoint, until it is enabled again; else null. */
            disabledReason: string | null;
            /** @description When the endpoint was registered (UTC ISO 8601). */
            createdAt: string;
            /** @description From when it receives events (UTC ISO 8601): the events of every change made at or after this time, and of none before. Up to about a minute after createdAt (the service remembers briefly that an account has no endpoint); see docs/webhooks.md. */
            activeAt: string;
            /** @description When it last changed (UTC ISO 8601). */
            updatedAt: string;
        };
        /** @description The endpoint just registered, with its signing secret. */
        CreatedWebhook: {
            /** @description The endpoint id. */
            id: string;
            /** @description Where events are POSTed. */
            url: string;
            /** @description The event types this endpoint receives. */
            events: components["schemas"]["WebhookEventType"][];
            /** @description Your note about the endpoint; null if none. */
            description: string | null;
            /** @description Whether events are sent to it. The service disables an endpoint that keeps failing. */
            enabled: boolean;
            /** @description Why the service disabled the endpoint, until it is enabled again; else null. */
            disabledReason: string | null;
            /** @description When the endpoint was registered (UTC ISO 8601). */
            createdAt: string;
            /** @description From when it receives events (UTC ISO 8601): the events of every change made at or after this time, and of none before. Up to about a minute after createdAt (the service remembers briefly that an account has no endpoint); see docs/webhooks.md. */
            activeAt: string;
            /** @description When it last changed (UTC ISO 8601). */
            updatedAt: string;
            /** @description The signing secret (`whsec_…`): shown only in this response. Verify each delivery's Voisnap-Signature with it. */
            secret: string;
        };
        WebhookList: {
            /** @description The account's webhook endpoints. */
            data: components["schemas"]["WebhookEndpoint"][];
        };
        /** @description The endpoint with its new signing secret. */
        RotatedWebhookSecret: {
            /** @description The endpoint id. */
            id: string;
            /** @description Where events are POSTed. */
            url: string;
            /** @description The event types this endpoint receives. */
            events: components["schemas"]["WebhookEventType"][];
            /** @description Your note about the endpoint; null if none. */
            description: string | null;
            /** @description Whether events are sent to it. The service disables an endpoint that keeps failing. */
            enabled: boolean;
            /** @description Why the service disabled the endpoint, until it is enabled again; else null. */
            disabledReason: string | null;
            /** @description When the endpoint was registered (UTC ISO 8601). */
            createdAt: string;
            /** @description From when it receives events (UTC ISO 8601): the events of every change made at or after this time, and of none before. Up to about a minute after createdAt (the service remembers briefly that an account has no endpoint); see docs/webhooks.md. */
            activeAt: string;
            /** @description When it last changed (UTC ISO 8601). */
            updatedAt: string;
            /** @description The signing secret (`whsec_…`): shown only in this response. Verify each delivery's Voisnap-Signature with it. */
            secret: string;
            /** @description Until then (UTC ISO 8601) deliveries are signed with the previous secret too, so receivers can switch over. */
            previousSecretExpiresAt: string;
        };
        /** @description One attempt to deliver one event to one endpoint. */
        DeliveryAttempt: {
            /** @description The attempt id. */
            id: string;
            /** @description The endpoint it was sent to. */
            endpointId: string;
            /** @description The event sent (`evt_` followed by a ULID). */
            eventId: string;
            /** @description The event type. */
            eventType: components["schemas"]["WebhookEventType"];
            /** @description Attempt number of this event at this endpoint, from 1. */
            attempt: number;
            /** @description When it was sent (UTC ISO 8601). */
            attemptedAt: string;
            /** @description Whether the endpoint answered 2xx in time. */
            succeeded: boolean;
            /** @description The endpoint's HTTP status; null if it did not answer. */
            statusCode: number | null;
            /** @description How long the endpoint took to answer, or to fail. */
            latencyMs: number;
            /** @description What went wrong; null on success. */
            error: string | null;
            /** @description Set on the last attempt before the event was parked: it will not be retried by itself (redeliver it). */
            gaveUp: boolean;
        };
        DeliveryList: {
            /** @description Delivery attempts, newest first. */
            data: components["schemas"]["DeliveryAttempt"][];
            /** @description Pass as `cursor` to get the next page; null on the last page. */
            nextCursor: string | null;
        };
        Redelivery: {
            /** @description The event sent again. */
            eventId: string;
            /** @description The endpoint it goes to. */
            endpointId: string;
            /**
             * @description Always `queued`: it is on its way.
             * @constant
             */
            status: "queued";
        };
        /** @description What an endpoint receives: one event about one call (`data.previousStatus`, `data.call`), or, for CampaignCompleted, about one campaign (`data.campaign`). */
        WebhookEvent: {
            /** @description The event id (`evt_` followed by a ULID); the same on every delivery of this event, so deduplicate on it. */
            id: string;
            /** @description The event type. */
            type: components["schemas"]["WebhookEventType"];
            /** @description When the change happened (UTC ISO 8601). */
            createdAt: string;
            /** @description What happened. A call's event: `previousStatus` (the call's status before this change; null when the change is the call's creation) and `call` (the call object at that moment, as GET /api/v1/outbound-calls/{callId} returns it). CampaignCompleted: `campaign` (the campaign once its last call ended, as GET /api/v1/campaigns/{campaignId} returns it). */
            data: {
                previousStatus: string | null;
                call: components["schemas"]["Call"];
            } | {
                campaign: components["schemas"]["Campaign"];
            };
        };
        /** @description A campaign: its settings, status and counts. Its calls are outbound calls carrying its campaignId. */
        Campaign: {
            /** @description `cmp_` followed by a ULID. */
            id: string;
            /** @description The name given at creation. */
            name: string;
            /** @description The agent of every call. */
            agentId: string;
            /** @description The caller ID of every call; null: the agent's default number. */
            fromNumber: string | null;
            /** @description `scheduled` (before startAt), `running`, `paused`, `completed` (every call has ended) or `cancelled`. */
            status: components["schemas"]["CampaignStatus"];
            /** @description When the first contact was due (UTC ISO 8601). */
            startAt: string;
            /** @description How fast the campaign dials. */
            pacing: {
                /** @description Calls started per minute. */
                callsPerMinute: number;
                /** @description Calls of the campaign dialing or connected at once, at most. */
                maxConcurrentCalls: number;
            };
            /**
             * @description The calling window every call keeps to; null if none.
             * @default null
             */
            callingWindow: components["schemas"]["CallingWindow"] | null;
            /**
             * @description Retries per outcome; null if none.
             * @default null
             */
            retryPolicy: components["schemas"]["RetryPolicy"] | null;
            /** @description The campaign's calls: `total` contacts, and how many calls are in each status. Kept from the table's stream, so a moment behind the calls. */
            counts: {
                /** @description Contacts in the campaign (calls created or being created). */
                total: number;
                /** @description Calls now `scheduled`. */
                scheduled: number;
                /** @description Calls now `queued`. */
                queued: number;
                /** @description Calls now `initiating`. */
                initiating: number;
                /** @description Calls now `ringing`. */
                ringing: number;
                /** @description Calls now `in_progress`. */
                in_progress: number;
                /** @description Calls now `completed`. */
                completed: number;
                /** @description Calls now `failed`. */
                failed: number;
                /** @description Calls now `no_answer`. */
                no_answer: number;
                /** @description Calls now `busy`. */
                busy: number;
                /** @description Calls now `cancelled`. */
                cancelled: number;
                /** @description Calls now `voicemail`. */
                voicemail: number;
            };
            /** @description When the campaign was created (UTC ISO 8601). */
            createdAt: string;
            /** @description When its settings or status last changed (UTC ISO 8601). */
            updatedAt: string;
            /** @description When its last call ended (UTC ISO 8601); null until then. */
            completedAt: string | null;
        };
        /**
         * @description scheduled: before startAt. running: its calls are dialed as they come due. paused: no call of it starts dialing until it is resumed. completed: every call has ended. cancelled: every call not yet dialed was cancelled.
         * @enum {string}
         */
        CampaignStatus: "scheduled" | "running" | "paused" | "completed" | "cancelled";
        /** @description One page of campaigns, newest first. */
        CampaignList: {
            /** @description Campaigns, newest first. */
            data: components["schemas"]["Campaign"][];
            /** @description Campaigns per page. */
            pageSize: number;
            /** @description Whether another page follows. */
            hasMore: boolean;
            /** @description Pass as `cursor` to get the next page; null on the last page. */
            nextCursor: string | null;
        };
        /** @description A number this account never calls. */
        Suppression: {
            /** @description The suppressed E.164 number. */
            phoneNumber: string;
            /** @description Your note on why; null if none. */
            reason: string | null;
            /** @description When it was first suppressed (UTC ISO 8601). */
            createdAt: string;
        };
        /** @description One page of suppressed numbers. */
        SuppressionList: {
            /** @description Suppressed numbers of this page, in number order. */
            data: components["schemas"]["Suppression"][];
            /** @description This page's number. */
            page: number;
            /** @description Items per page. */
            pageSize: number;
            /** @description Whether another page follows. */
            hasMore: boolean;
            /** @description Pass as `cursor` to get the next page; null on the last page. */
            nextCursor: string | null;
        };
    };
    responses: {
        /** @description The request is invalid; `error.param` names the field, query parameter or header at fault, and nothing was changed. */
        BadRequest: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description The API key is malformed, unknown or revoked. A request without an Authorization header is answered by API Gateway itself: `{"message": "Unauthorized"}`. */
        Unauthorized: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"] | components["schemas"]["GatewayError"];
            };
        };
        /** @description No such call in this account (a call of another account is not found either). */
        NotFound: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description The call is past `scheduled` or `queued` (the message names its status), or changed while the request was handled (`concurrent_update`: retry). */
        Conflict: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description The Idempotency-Key was already used with a different request body (`idempotency_key_reused`), or toNumber is on the suppression list (`number_suppressed`). */
        Unprocessable: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description The body is over 64 KiB (`request_too_large`). A body over API Gateway's own 10 MB quota is answered by API Gateway: `{"message": "Request Entity Too Large"}`. */
        PayloadTooLarge: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"] | components["schemas"]["GatewayError"];
            };
        };
        /** @description The body is declared as something other than JSON (`unsupported_media_type`, `param` `Content-Type`): send it with `Content-Type: application/json` (a `+json` type and `charset=utf-8` are fine too), or with no Content-Type. */
        UnsupportedMediaType: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description The path and query string are over 8 KiB together (`uri_too_long`). */
        UriTooLong: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description The stage's throttling limit was reached (API Gateway); retry with exponential backoff. */
        TooManyRequests: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["GatewayError"];
            };
        };
        /** @description Something failed on the service side; the response carries no internals. `internal_error`: nothing was changed; retry the request. `outcome_unknown` (the database stopped answering while the change was written, even when sent once more): the change may have been made; read what the request changes before sending it again. For a create, the message names the call that may have been created; read it, or send the create again with the same Idempotency-Key. */
        InternalError: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"] | components["schemas"]["GatewayError"];
            };
        };
    };
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    listCalls: {
        parameters: {
            query?: {
                /**
                 * @description Filter by agent.
                 * @example agt_01HXK8Z3MNPQRS
                 */
                agentId?: string;
                /** @description Filter by campaign: the campaign's calls, from an index (not with agentId). */
                campaignId?: string;
                /**
                 * @description Filter by call status.
                 * @example scheduled
                 */
                status?: "scheduled" | "queued" | "initiating" | "ringing" | "in_progress" | "completed" | "failed" | "no_answer" | "busy" | "cancelled" | "voicemail";
                /**
                 * @description ISO 8601 start: calls created on or after this date (from 00:00 UTC) or date-time.
                 * @example 2025-06-01
                 */
                dateFrom?: string;
                /** @description ISO 8601 end: calls created on or before this date (the whole day) or date-time (that second). */
                dateTo?: string;
                /** @description Page number, from 1 (default 1). Pages requested in order cost the same at any depth; a page may end at most 10000 calls past the top or past a page of the same listing served in the last 15 minutes (400 page_too_deep beyond); nextCursor has no such bound. */
                page?: number;
                /** @description Items per page (1–100, default 20). */
                pageSize?: number;
                /** @description `nextCursor` of the previous page, sent with the same filters: the next page, at the same cost at any depth. */
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One page of calls. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CallList"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            414: components["responses"]["UriTooLong"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
        };
    };
    createCall: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description Makes the create safe to retry: for 24 hours the same key with the same body answers with the first response (and header Idempotent-Replayed: true) and creates nothing; the same key with another body is a 422.
                 * @example 5f0c6f7e-3b8a-4c1e-9f43-2b7d1a9c8e10
                 */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateCallRequest"];
            };
        };
        responses: {
            /** @description The call, created (or, for a repeated Idempotency-Key, the first response again). */
            201: {
                headers: {
                    /** @description `true` when this answers a repeated Idempotency-Key with the first response, and nothing was created. */
                    "Idempotent-Replayed"?: "true";
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Call"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            413: components["responses"]["PayloadTooLarge"];
            414: components["responses"]["UriTooLong"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["Unprocessable"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
        };
    };
    getCall: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The call id (`obc_` followed by a ULID).
                 * @example obc_01HXMN8ZABC123
                 */
                callId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The call. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Call"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            414: components["responses"]["UriTooLong"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
        };
    };
    updateCall: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The call id (`obc_` followed by a ULID).
                 * @example obc_01HXMN8ZABC123
                 */
                callId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateCallRequest"];
            };
        };
        responses: {
            /** @description The changed call. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Call"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["PayloadTooLarge"];
            414: components["responses"]["UriTooLong"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
        };
    };
    cancelCall: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The call id (`obc_` followed by a ULID).
                 * @example obc_01HXMN8ZABC123
                 */
                callId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The cancelled call. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Call"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            414: components["responses"]["UriTooLong"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
        };
    };
    listCampaigns: {
        parameters: {
            query?: {
                /** @description Campaigns per page (1–100, default 20). */
                pageSize?: number;
                /** @description `nextCursor` of the previous page. */
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Campaigns, newest first. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CampaignList"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            414: components["responses"]["UriTooLong"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
        };
    };
    createCampaign: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes the request safe to retry: for 24 hours the same key with the same body creates nothing more (and finishes a request that was cut short), answering with the campaign and header Idempotent-Replayed: true; the same key with another body is a 422. */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateCampaignRequest"];
            };
        };
        responses: {
            /** @description The campaign. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Campaign"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            413: components["responses"]["PayloadTooLarge"];
            414: components["responses"]["UriTooLong"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["Unprocessable"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
        };
    };
    getCampaign: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The campaign id (`cmp_` followed by a ULID). */
                campaignId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The campaign. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Campaign"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            414: components["responses"]["UriTooLong"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
        };
    };
    appendCampaignContacts: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes the request safe to retry: for 24 hours the same key with the same body creates nothing more (and finishes a request that was cut short), answering with the campaign and header Idempotent-Replayed: true; the same key with another body is a 422. */
                "Idempotency-Key"?: string;
            };
            path: {
                /** @description The campaign id (`cmp_` followed by a ULID). */
                campaignId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AppendContactsRequest"];
            };
        };
        responses: {
            /** @description The campaign. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Campaign"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["PayloadTooLarge"];
            414: components["responses"]["UriTooLong"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["Unprocessable"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
        };
    };
    pauseCampaign: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The campaign id (`cmp_` followed by a ULID). */
                campaignId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The paused campaign. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Campaign"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            414: components["responses"]["UriTooLong"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
        };
    };
    resumeCampaign: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The campaign id (`cmp_` followed by a ULID). */
                campaignId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The campaign, running (or scheduled, before its startAt). */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Campaign"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            414: components["responses"]["UriTooLong"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
        };
    };
    cancelCampaign: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The campaign id (`cmp_` followed by a ULID). */
                campaignId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The cancelled campaign. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Campaign"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            414: components["responses"]["UriTooLong"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
        };
    };
    listWebhooks: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The account's endpoints. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookList"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            414: components["responses"]["UriTooLong"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
        };
    };
    createWebhook: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateWebhookRequest"];
            };
        };
        responses: {
            /** @description The endpoint, with its secret. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CreatedWebhook"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            413: components["responses"]["PayloadTooLarge"];
            414: components["responses"]["UriTooLong"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
        };
    };
    getWebhook: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The webhook endpoint id. */
                webhookId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The endpoint. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookEndpoint"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            414: components["responses"]["UriTooLong"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
        };
    };
    deleteWebhook: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The webhook endpoint id. */
                webhookId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted: it receives nothing more. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            414: components["responses"]["UriTooLong"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
        };
    };
    updateWebhook: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The webhook endpoint id. */
                webhookId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateWebhookRequest"];
            };
        };
        responses: {
            /** @description The endpoint, changed. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookEndpoint"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            /** @description The endpoint changed while the request was handled (`concurrent_update`): send the request again. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            413: components["responses"]["PayloadTooLarge"];
            414: components["responses"]["UriTooLong"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
        };
    };
    rotateWebhookSecret: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The webhook endpoint id. */
                webhookId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The endpoint with its new secret. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RotatedWebhookSecret"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            414: components["responses"]["UriTooLong"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
        };
    };
    listWebhookDeliveries: {
        parameters: {
            query?: {
                /** @description Attempts per page (1–100, default 20). */
                pageSize?: number;
                /** @description `nextCursor` of the previous page. */
                cursor?: string;
            };
            header?: never;
            path: {
                /** @description The webhook endpoint id. */
                webhookId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Delivery attempts, newest first. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeliveryList"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            414: components["responses"]["UriTooLong"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
        };
    };
    redeliverWebhookEvent: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The webhook endpoint id. */
                webhookId: string;
                /** @description The event id (`evt_` followed by a ULID). */
                eventId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description On its way. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Redelivery"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            414: components["responses"]["UriTooLong"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
        };
    };
    listSuppressions: {
        parameters: {
            query?: {
                /** @description Page number, from 1 (default 1). page × pageSize may reach 10000 entries; follow nextCursor beyond that. */
                page?: number;
                /** @description Items per page (1–100, default 20). */
                pageSize?: number;
                /** @description `nextCursor` of the previous page, sent with the same pageSize. */
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One page of suppressed numbers. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SuppressionList"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            414: components["responses"]["UriTooLong"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
        };
    };
    createSuppression: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateSuppressionRequest"];
            };
        };
        responses: {
            /** @description The number was already suppressed: its entry. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Suppression"];
                };
            };
            /** @description The number, now suppressed. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Suppression"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            413: components["responses"]["PayloadTooLarge"];
            414: components["responses"]["UriTooLong"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
        };
    };
    deleteSuppression: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The E.164 number, URL-encoded (`%2B14155550199`).
                 * @example %2B14155550199
                 */
                phoneNumber: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Removed: calls to it may be made again. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            /** @description The number is not on the list. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            414: components["responses"]["UriTooLong"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
        };
    };
    getOpenApiDocument: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The OpenAPI 3.1 document. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": Record<string, never>;
                };
            };
        };
    };
    receiveSessionStarted: {
        parameters: {
            query?: never;
            header: {
                /** @description The event id. */
                "Voisnap-Event-Id": string;
                /** @description The event type. */
                "Voisnap-Event-Type": string;
                /** @description Attempt number, from 1. */
                "Voisnap-Delivery-Attempt": string;
                /** @description `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" with the secret>`; one v1 per secret while a rotation is under way. */
                "Voisnap-Signature": string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["WebhookEvent"];
            };
        };
        responses: {
            /** @description Received. Anything else, or no answer within 10 seconds, is retried with backoff for 25 hours. */
            "2XX": {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    receiveSessionEnded: {
        parameters: {
            query?: never;
            header: {
                /** @description The event id. */
                "Voisnap-Event-Id": string;
                /** @description The event type. */
                "Voisnap-Event-Type": string;
                /** @description Attempt number, from 1. */
                "Voisnap-Delivery-Attempt": string;
                /** @description `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" with the secret>`; one v1 per secret while a rotation is under way. */
                "Voisnap-Signature": string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["WebhookEvent"];
            };
        };
        responses: {
            /** @description Received. Anything else, or no answer within 10 seconds, is retried with backoff for 25 hours. */
            "2XX": {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    receiveOutboundCallStatusChanged: {
        parameters: {
            query?: never;
            header: {
                /** @description The event id. */
                "Voisnap-Event-Id": string;
                /** @description The event type. */
                "Voisnap-Event-Type": string;
                /** @description Attempt number, from 1. */
                "Voisnap-Delivery-Attempt": string;
                /** @description `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" with the secret>`; one v1 per secret while a rotation is under way. */
                "Voisnap-Signature": string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["WebhookEvent"];
            };
        };
        responses: {
            /** @description Received. Anything else, or no answer within 10 seconds, is retried with backoff for 25 hours. */
            "2XX": {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    receiveCampaignCompleted: {
        parameters: {
            query?: never;
            header: {
                /** @description The event id. */
                "Voisnap-Event-Id": string;
                /** @description The event type. */
                "Voisnap-Event-Type": string;
                /** @description Attempt number, from 1. */
                "Voisnap-Delivery-Attempt": string;
                /** @description `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" with the secret>`; one v1 per secret while a rotation is under way. */
                "Voisnap-Signature": string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["WebhookEvent"];
            };
        };
        responses: {
            /** @description Received. Anything else, or no answer within 10 seconds, is retried with backoff for 25 hours. */
            "2XX": {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
}
