/**
 * The shapes of the service's ids. Every id that arrives from outside (a path, a query, a body) is
 * checked against its shape before any store is asked, so that no input can make a DynamoDB key
 * too long or strange (a partition key holds at most 2,048 bytes:
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html).
 */

/** Ids the service mints itself: a prefix and a ULID (26 Crockford base-32 characters). */
const minted = (prefix: string) => new RegExp(`^${prefix}_[0-9A-HJKMNP-TV-Z]{26}$`);

/** Outbound calls: `obc_` + ULID. */
export const CALL_ID_PATTERN = minted('obc');
/** Campaigns: `cmp_` + ULID. */
export const CAMPAIGN_ID_PATTERN = minted('cmp');
/** Webhook endpoints: `whk_` + ULID. */
export const WEBHOOK_ID_PATTERN = minted('whk');
/** Webhook events: `evt_` + 26 characters (a ULID's time and a hash of the change). */
export const EVENT_ID_PATTERN = minted('evt');

/** Webhook delivery attempts: `dlv_` + ULID (also the deliveries list's cursor). */
export const DELIVERY_ID_PATTERN = minted('dlv');

/**
 * Accounts, agents and other ids an operator may choose (`agt_01HXK8Z3MNPQRS` in the published
 * examples): letters, digits, `_` and `-`, 1 to 64 characters.
 */
export const DIRECTORY_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
