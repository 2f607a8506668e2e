import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { campaignContactKey, isCampaignContactKey, newCampaignId } from '#domain/campaign';

describe('campaign contact keys (domain/campaign.ts)', () => {
  it('recognises every key campaignContactKey makes', () => {
    fc.assert(
      // Ids of the present only: the id factory is monotonic, and this worker's other files share it.
      fc.property(fc.nat(), (index) => isCampaignContactKey(campaignContactKey(newCampaignId(new Date()), index))),
    );
  });

  it('leaves to the customer the keys that only look alike', () => {
    const id = newCampaignId(new Date());
    for (const key of ['cmp_x#1', `${id}#`, `${id}#1a`, `${id}#-1`, `#1`, 'order#1', `${id}`, `x${id}#1`])
      expect(isCampaignContactKey(key), key).toBe(false);
  });
});
