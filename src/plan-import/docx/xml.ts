/**
 * A small, strict XML reader for the parts of a .docx package: elements, attributes, text and
 * CDATA into a tree (comments, processing instructions and the doctype skipped). A general DOM
 * parser spends half a second on a plan's document.xml; this reads it in a few tens of ms.
 * Throws XmlError on anything that is not well formed. Pure.
 */

export interface XmlElement {
  nodeType: 1;
  /** Qualified name as written, e.g. "w:tc". */
  name: string;
  /** Without the prefix, e.g. "tc". */
  localName: string;
  attributes: Record<string, string>;
  childNodes: XmlNode[];
  getAttribute(name: string): string | null;
}

export interface XmlText {
  nodeType: 3;
  nodeValue: string;
  childNodes: XmlNode[];
}

export type XmlNode = XmlElement | XmlText;

export class XmlError extends Error {}

const NAMED: Record<string, string> = {
  lt: "<",
  gt: ">",
  amp: "&",
  quot: '"',
  apos: "'",
};

function decode(s: string): string {
  if (!s.includes("&")) return s;
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g, (all, e: string) => {
    if (e[0] === "#") {
      const cp = e[1] === "x" || e[1] === "X" ? Number.parseInt(e.slice(2), 16) : Number.parseInt(e.slice(1), 10);
      if (!Number.isFinite(cp) || cp < 0 || cp > 0x10ffff)
        throw new XmlError(`riferimento a carattere non valido ${all}`);
      return String.fromCodePoint(cp);
    }
    const v = NAMED[e];
    if (v === undefined) throw new XmlError(`entità sconosciuta ${all}`);
    return v;
  });
}

function getAttribute(this: XmlElement, name: string): string | null {
  return Object.hasOwn(this.attributes, name) ? this.attributes[name]! : null;
}

const TOKEN =
  /<!--[\s\S]*?-->|<!\[CDATA\[([\s\S]*?)\]\]>|<\?[\s\S]*?\?>|<!DOCTYPE[^>]*>|<(\/?)([A-Za-z_][\w.:-]*)((?:\s+[A-Za-z_][\w.:-]*\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>|([^<]+)/gy;
const ATTR = /([A-Za-z_][\w.:-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

/** The document's root element. */
export function parseXml(xml: string): XmlElement {
  const root: XmlElement = {
    nodeType: 1,
    name: "#document",
    localName: "#document",
    attributes: {},
    childNodes: [],
    getAttribute,
  };
  const stack: XmlElement[] = [root];
  TOKEN.lastIndex = 0;
  let at = 0;
  while (at < xml.length) {
    TOKEN.lastIndex = at;
    const m = TOKEN.exec(xml);
    if (!m || m.index !== at) throw new XmlError(`XML non valido alla posizione ${at}`);
    at = TOKEN.lastIndex;
    const top = stack[stack.length - 1]!;
    const [, cdata, closing, name, attrs, selfClosing, text] = m;
    if (text !== undefined) {
      if (stack.length > 1)
        top.childNodes.push({
          nodeType: 3,
          nodeValue: decode(text),
          childNodes: [],
        });
      else if (text.trim()) throw new XmlError("testo fuori dall'elemento radice");
    } else if (cdata !== undefined) {
      top.childNodes.push({ nodeType: 3, nodeValue: cdata, childNodes: [] });
    } else if (name !== undefined) {
      if (closing) {
        if (top.name !== name || stack.length === 1)
          throw new XmlError(`chiusura </${name}> senza apertura corrispondente`);
        stack.pop();
        continue;
      }
      const attributes: Record<string, string> = {};
      if (attrs) for (const a of attrs.matchAll(ATTR)) attributes[a[1]!] = decode(a[2] ?? a[3] ?? "");
      const colon = name.indexOf(":");
      const el: XmlElement = {
        nodeType: 1,
        name,
        localName: colon >= 0 ? name.slice(colon + 1) : name,
        attributes,
        childNodes: [],
        getAttribute,
      };
      top.childNodes.push(el);
      if (!selfClosing) stack.push(el);
    }
  }
  if (stack.length !== 1) throw new XmlError(`elemento <${stack[stack.length - 1]!.name}> non chiuso`);
  const first = root.childNodes.find((n): n is XmlElement => n.nodeType === 1);
  if (!first) throw new XmlError("nessun elemento radice");
  return first;
}
