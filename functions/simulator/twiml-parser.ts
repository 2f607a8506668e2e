/**
 * A strict reader of the TwiML documents the carrier simulator fetches, so that a document Twilio
 * could not parse fails the call locally too (Twilio error 12100, "Document parse failure":
 * https://www.twilio.com/docs/api/errors/12100). It accepts well-formed XML 1.0
 * (https://www.w3.org/TR/xml/) made of an optional XML declaration, elements, attributes, text,
 * character and predefined entity references, CDATA sections and comments; it refuses anything
 * else, including every document type declaration.
 */

export interface TwimlElement {
  name: string;
  attributes: Record<string, string>;
  children: TwimlElement[];
  /** The element's own text, with references resolved. */
  text: string;
}

export class TwimlParseError extends Error {
  /** Twilio's error code for a document it cannot parse. */
  readonly code = 12100;
}

/** Characters XML 1.0 allows anywhere in a document (its `Char` production). */
const ILLEGAL_CHARACTER = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
const NAME = /[A-Za-z_:][A-Za-z0-9._:-]*/y;
const SPACE = /[ \t\r\n]*/y;
const DECLARATION =
  /<\?xml[ \t\r\n]+version[ \t\r\n]*=[ \t\r\n]*(["'])1\.[0-9]+\1([ \t\r\n]+encoding[ \t\r\n]*=[ \t\r\n]*(["'])[A-Za-z][A-Za-z0-9._-]*\3)?([ \t\r\n]+standalone[ \t\r\n]*=[ \t\r\n]*(["'])(yes|no)\5)?[ \t\r\n]*\?>/y;
const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** The document's root element, or a TwimlParseError that says where and why it is not well-formed. */
export function parseTwiml(xml: string): TwimlElement {
  const illegal = ILLEGAL_CHARACTER.exec(xml);
  if (illegal)
    fail(
      illegal.index,
      `character U+${(illegal[0].codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')} is not allowed in XML`,
    );
  let pos = xml.startsWith('\uFEFF') ? 1 : 0;

  const fail2 = (why: string): never => fail(pos, why);
  const sticky = (pattern: RegExp): string | null => {
    pattern.lastIndex = pos;
    const match = pattern.exec(xml);
    if (!match) return null;
    pos += match[0].length;
    return match[0];
  };
  const space = () => sticky(SPACE);
  const name = () => sticky(NAME) ?? fail2('a name was expected');
  const expect = (token: string) => {
    if (!xml.startsWith(token, pos)) fail2(`"${token}" was expected`);
    pos += token.length;
  };
  const comment = (): boolean => {
    if (!xml.startsWith('<!--', pos)) return false;
    const end = xml.indexOf('-->', pos + 4);
    if (end === -1 || xml.slice(pos + 4, end).includes('--')) fail2('a malformed comment');
    pos = end + 3;
    return true;
  };
  const misc = () => {
    do space();
    while (comment());
  };
  /** Resolves the references in character data or an attribute value; `&` must start one. */
  const resolve = (raw: string, at: number): string =>
    raw.replace(/&([^;]*);?/g, (whole, ref: string) => {
      if (!whole.endsWith(';')) fail(at, 'an "&" that does not start a reference');
      if (ref in PREDEFINED) return PREDEFINED[ref] as string;
      const code = /^#x[0-9A-Fa-f]{1,6}$/.test(ref)
        ? parseInt(ref.slice(2), 16)
        : /^#[0-9]{1,7}$/.test(ref)
          ? Number(ref.slice(1))
          : NaN;
      const char = Number.isNaN(code) || code > 0x10ffff ? '' : String.fromCodePoint(code);
      if (!char || ILLEGAL_CHARACTER.test(char)) fail(at, `the reference &${ref}; is not allowed`);
      return char;
    });

  const element = (): TwimlElement => {
    expect('<');
    const tag = name();
    const attributes: Record<string, string> = {};
    for (;;) {
      const spaced = (space() ?? '').length > 0;
      if (xml.startsWith('/>', pos)) {
        pos += 2;
        return { name: tag, attributes, children: [], text: '' };
      }
      if (xml.startsWith('>', pos)) {
        pos += 1;
        break;
      }
      if (!spaced) fail2('white space was expected between attributes');
      const attribute = name();
      space();
      expect('=');
      space();
      const quote = xml[pos];
      if (quote !== '"' && quote !== "'") fail2('an attribute value must be quoted');
      const end = xml.indexOf(quote as string, pos + 1);
      if (end === -1) fail2('an attribute value is not closed');
      const raw = xml.slice(pos + 1, end);
      if (raw.includes('<')) fail2('"<" is not allowed in an attribute value');
      if (Object.hasOwn(attributes, attribute)) fail2(`attribute ${attribute} appears twice`);
      // Attribute-value normalisation: literal tab, line feed and carriage return become spaces.
      attributes[attribute] = resolve(raw.replace(/[\t\n\r]/g, ' '), pos);
      pos = end + 1;
    }
    const children: TwimlElement[] = [];
    let text = '';
    for (;;) {
      if (pos >= xml.length) fail2(`element ${tag} is not closed`);
      if (xml.startsWith('</', pos)) {
        pos += 2;
        if (name() !== tag) fail2(`the end tag does not match <${tag}>`);
        space();
        expect('>');
        return { name: tag, attributes, children, text };
      }
      if (comment()) continue;
      if (xml.startsWith('<![CDATA[', pos)) {
        const end = xml.indexOf(']]>', pos);
        if (end === -1) fail2('a CDATA section is not closed');
        text += xml.slice(pos + 9, end);
        pos = end + 3;
        continue;
      }
      if (xml.startsWith('<', pos)) {
        if (xml.startsWith('<!', pos) || xml.startsWith('<?', pos))
          fail2('only elements, text and comments may appear here');
        children.push(element());
        continue;
      }
      const next = xml.indexOf('<', pos);
      const raw = xml.slice(pos, next === -1 ? xml.length : next);
      if (raw.includes(']]>')) fail2('"]]>" is not allowed in text');
      text += resolve(raw, pos);
      pos += raw.length;
    }
  };

  if (xml.startsWith('<?xml', pos) && sticky(DECLARATION) === null) fail2('a malformed XML declaration');
  misc();
  if (xml.startsWith('<!DOCTYPE', pos)) fail2('document type declarations are not allowed');
  const root = element();
  misc();
  if (pos !== xml.length) fail2('content after the root element');
  return root;
}

function fail(at: number, why: string): never {
  throw new TwimlParseError(`TwiML is not well-formed XML at offset ${at}: ${why}`);
}

/** The first descendant element (or the element itself) with this name, depth first. */
export function findElement(element: TwimlElement, name: string): TwimlElement | undefined {
  if (element.name === name) return element;
  for (const child of element.children) {
    const found = findElement(child, name);
    if (found) return found;
  }
  return undefined;
}
