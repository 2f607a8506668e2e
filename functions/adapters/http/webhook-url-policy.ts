import { lookup } from 'node:dns/promises';
import ipaddr from 'ipaddr.js';
import type { WebhookUrlPolicy } from '#ports/webhooks';

/** The names of this machine that the local stack may deliver to over plain http. */
export const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Only ordinary public unicast addresses: not this host, private networks, link-local (cloud
 * metadata at 169.254.169.254), carrier NAT, multicast, or any other special range.
 */
export function isPublicAddress(address: string): boolean {
  return ipaddr.isValid(address) && ipaddr.process(address).range() === 'unicast';
}

/**
 * Production: https only, and every address the host name resolves to must be public: checked
 * when the endpoint is saved and before each delivery here, and at connect time by the sender
 * (GuardedWebhookSender), which is what stops DNS rebinding. The local stack
 * also allows plain http to this machine, so a developer can receive webhooks on a laptop.
 */
export class DnsWebhookUrlPolicy implements WebhookUrlPolicy {
  constructor(private readonly options: { allowLocalHttp: boolean }) {}

  async check(value: string): Promise<string | null> {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      return 'url must be an absolute URL, such as https://example.com/webhooks.';
    }
    if (url.username || url.password) return 'url must not contain credentials.';
    const local = LOCAL_HOSTS.has(url.hostname);
    if (this.options.allowLocalHttp && local && (url.protocol === 'http:' || url.protocol === 'https:')) return null;
    if (url.protocol !== 'https:') return 'url must use https.';
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    let addresses: string[];
    try {
      addresses = ipaddr.isValid(host)
        ? [host]
        : (await lookup(host, { all: true, verbatim: true })).map((entry) => entry.address);
    } catch {
      return `url's host ${url.hostname} does not resolve.`;
    }
    if (addresses.length === 0 || !addresses.every(isPublicAddress)) {
      return `url's host ${url.hostname} resolves to a private, loopback or link-local address; webhooks go only to public addresses.`;
    }
    return null;
  }
}
