import { describe, expect, it } from "vitest";
import { parseXml, XmlError, type XmlElement } from "../../src/plan-import/docx/xml.ts";

describe("the docx XML reader", () => {
  it("elements, prefixed names, attributes in either quotes, entities, CDATA; comments and declarations skipped", () => {
    const root = parseXml(
      `<?xml version="1.0" encoding="UTF-8"?><!-- x --><w:document xmlns:w="u"><w:p a='1' w:val="x &gt; y"><w:t xml:space="preserve">A &amp; B &#233;&#x20AC;</w:t><w:br/><![CDATA[<c>]]></w:p></w:document>`,
    );
    expect(root.localName).toBe("document");
    const p = root.childNodes[0] as XmlElement;
    expect([p.name, p.localName, p.getAttribute("a"), p.getAttribute("w:val"), p.getAttribute("none")]).toEqual([
      "w:p",
      "p",
      "1",
      "x > y",
      null,
    ]);
    const t = p.childNodes[0] as XmlElement;
    expect(t.childNodes[0]).toMatchObject({
      nodeType: 3,
      nodeValue: "A & B é€",
    });
    expect((p.childNodes[1] as XmlElement).localName).toBe("br");
    expect(p.childNodes[2]).toMatchObject({ nodeType: 3, nodeValue: "<c>" });
  });

  it("refuses what is not well formed", () => {
    for (const bad of ["<a><b></a>", "<a>", "<a></a></a>", "<a>&nope;</a>", "<a x=1></a>", "testo", "<a>< b</a>"]) {
      expect(() => parseXml(bad), bad).toThrow(XmlError);
    }
  });
});
