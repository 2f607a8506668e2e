/** The time zones a phone number's country and area code are in. */
export interface PhoneZones {
  /**
   * IANA zone names for an E.164 number (`+14155550199`), from the longest known prefix of it;
   * empty when the data does not know the number's zone. Several when its area spans several zones.
   */
  zonesOf(e164: string): Promise<string[]>;
}
