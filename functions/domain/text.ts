/**
 * The one rule for text the service accepts and may later put into XML (TwiML), logs or events.
 *
 * XML 1.0 allows only these characters (https://www.w3.org/TR/xml/#charsets):
 * `#x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]`. Everything else (the
 * C0 controls but tab, line feed and carriage return; lone UTF-16 surrogates; U+FFFE and U+FFFF)
 * cannot be carried by any TwiML document, and Twilio fails such a call with error 12100
 * (https://www.twilio.com/docs/api/errors/12100). The service also refuses U+007F–U+009F (DEL
 * and the C1 controls): XML allows them, but they are never meant as text and hide in logs.
 */

/**
 * Every character accepted text may not contain (see the module comment). In a `u` regular
 * expression a well-formed surrogate pair is one code point, so the surrogate range matches only
 * lone surrogates.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching these control characters is this rule's whole job.
const DISALLOWED = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uD800-\uDFFF\uFFFE\uFFFF]/gu;

/**
 * The first character that accepted text may not contain, as `U+XXXX`, or null when the text is
 * clean. Used by the request schemas to name the offending character in a 400.
 */
export function disallowedCharacter(text: string): string | null {
  const match = text.match(DISALLOWED);
  if (!match) return null;
  return `U+${(match[0].codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * The text with every character XML 1.0 cannot carry removed (see the module comment). Writers of
 * XML use it as a last line of defence, so that what they emit is well-formed whatever they are
 * given; inputs are refused with a 400 long before that.
 */
export function withoutDisallowedCharacters(text: string): string {
  return text.replace(DISALLOWED, '');
}
