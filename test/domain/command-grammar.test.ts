import { describe, expect, it } from "vitest";
import {
  cleanCommandText,
  normalizeCode,
  parseObiettivoText,
  type GrammarResult,
  type ObiettivoCommand,
} from "../../src/domain/progress/command-grammar.ts";

const ctx = { today: "2024-10-07" };
const parse = (t: string) => parseObiettivoText(t, ctx);

function command(t: string): ObiettivoCommand {
  const r = parse(t);
  if (!r.ok) throw new Error(`atteso un comando per «${t}», ottenuto: ${r.message}`);
  return r.command;
}

function error(t: string): string {
  const r: GrammarResult = parse(t);
  if (r.ok) throw new Error(`atteso un errore per «${t}», ottenuto ${JSON.stringify(r.command)}`);
  return r.message;
}

describe("/obiettivo grammar: every form of the issue", () => {
  it.each([
    ["3.1.2 completato", { kind: "complete", on: null, note: null }],
    ["3.1.2 completata", { kind: "complete", on: null, note: null }],
    ["3.1.2 fatto", { kind: "complete", on: null, note: null }],
    ["3.1.2 concluso", { kind: "complete", on: null, note: null }],
    ["3.1.2 completato il 12/03/2024", { kind: "complete", on: "2024-03-12", note: null }],
    ["3.1.2 completato 12-03-2024", { kind: "complete", on: "2024-03-12", note: null }],
    ["3.1.2 completato in data 12.03.2024", { kind: "complete", on: "2024-03-12", note: null }],
    [
      "3.1.2 completato il 12 marzo 2024 con determina 45",
      { kind: "complete", on: "2024-03-12", note: "con determina 45" },
    ],
    ["3.1.2 completato il 12/03", { kind: "complete", on: "2024-03-12", note: null }],
    ["3.1.2 fatto ieri", { kind: "complete", on: "2024-10-06", note: null }],
    ["3.1.2 fatto oggi", { kind: "complete", on: "2024-10-07", note: null }],
    ["3.1.2 completato consegnato al protocollo", { kind: "complete", on: null, note: "consegnato al protocollo" }],
    ["3.1.2 60%", { kind: "percent", percent: 60, note: null }],
    ["3.1.2 60 %", { kind: "percent", percent: 60, note: null }],
    ["3.1.2 62,5% manca il collaudo", { kind: "percent", percent: 62.5, note: "manca il collaudo" }],
    ["3.1.2 0%", { kind: "percent", percent: 0, note: null }],
    ["3.1.2 100%", { kind: "percent", percent: 100, note: null }],
    ["3.3.2 +1", { kind: "count_add", delta: 1, note: null }],
    ["3.3.2 + 3 sopralluoghi in via Roma", { kind: "count_add", delta: 3, note: "sopralluoghi in via Roma" }],
    ["3.3.2 = 5", { kind: "count_set", value: 5, note: null }],
    ["3.3.2 =5 verificato a fine mese", { kind: "count_set", value: 5, note: "verificato a fine mese" }],
    ["3.1.2 in corso", { kind: "in_progress", note: null }],
    ["3.1.2 in corso affidati i lavori", { kind: "in_progress", note: "affidati i lavori" }],
    ["3.1.2 avviato", { kind: "in_progress", note: null }],
    ["3.1.2 non iniziata", { kind: "not_started", note: null }],
    [
      "3.1.2 bloccato manca il parere della Soprintendenza",
      { kind: "blocked", reason: "manca il parere della Soprintendenza" },
    ],
    ["3.1.2 bloccata motivo: fondi non assegnati", { kind: "blocked", reason: "fondi non assegnati" }],
    [
      "3.1.2 nota inviata la richiesta all'ufficio tecnico",
      { kind: "note", text: "inviata la richiesta all'ufficio tecnico" },
    ],
    ["3.1.2 nota: testo", { kind: "note", text: "testo" }],
  ])("%s", (text, action) => {
    const c = command(text);
    expect(c).toEqual({ kind: "report", code: text.split(" ")[0], action });
  });

  it("reads the other forms: code alone, empty, history, help", () => {
    expect(command("3.1.2")).toEqual({ kind: "open", code: "3.1.2" });
    expect(command("")).toEqual({ kind: "picker" });
    expect(command("   ")).toEqual({ kind: "picker" });
    expect(command("3.1.2 storia")).toEqual({ kind: "history", code: "3.1.2" });
    expect(command("aiuto")).toEqual({ kind: "help" });
    expect(command("AIUTO")).toEqual({ kind: "help" });
    expect(command("help")).toEqual({ kind: "help" });
  });

  it("tolerates case, accents, extra spaces, punctuation after the keyword and Slack's escaping", () => {
    expect(command("  3.1.2    COMPLETATO  ")).toEqual({
      kind: "report",
      code: "3.1.2",
      action: { kind: "complete", on: null, note: null },
    });
    expect(command("3.1.2 In\u00A0Corso")).toEqual({
      kind: "report",
      code: "3.1.2",
      action: { kind: "in_progress", note: null },
    });
    expect(command("3.1.2 Completàto:")).toEqual({
      kind: "report",
      code: "3.1.2",
      action: { kind: "complete", on: null, note: null },
    });
    expect(command("3.1.2 nota a &lt; b &amp; c")).toEqual({
      kind: "report",
      code: "3.1.2",
      action: { kind: "note", text: "a < b & c" },
    });
    expect(command("3.1.2\tstoria")).toEqual({ kind: "history", code: "3.1.2" });
    expect(command("３.１.２ fatto")).toMatchObject({ code: "3.1.2" });
  });

  it("forgives commas and a final dot in codes; keeps letter codes of Comune-wide activities", () => {
    expect(normalizeCode("3,1,2")).toBe("3.1.2");
    expect(normalizeCode("3.1.2.")).toBe("3.1.2");
    expect(normalizeCode("E1.1")).toBe("E1.1");
    expect(normalizeCode("aiuto")).toBeNull();
    expect(normalizeCode("60%")).toBeNull();
    expect(normalizeCode("'; DROP TABLE")).toBeNull();
  });

  it("strips invisible and control characters", () => {
    expect(cleanCommandText("3.1.2\u200B fatto\u0007")).toBe("3.1.2 fatto");
    expect(command("\u0000\u0001")).toEqual({ kind: "picker" });
  });
});

describe("/obiettivo grammar: errors say what was expected, with an example", () => {
  it("an unknown word instead of a code", () => {
    const m = error("ciao");
    expect(m).toContain("Non riconosco «ciao»");
    expect(m).toContain("/obiettivo 3.1.2 completato");
  });

  it("words in the wrong order", () => {
    expect(error("completato 3.1.2")).toContain("«/obiettivo 3.1.2 completato»");
  });

  it("an unknown action after the code", () => {
    const m = error("3.1.2 boh");
    expect(m).toContain("Non capisco «boh» dopo il codice 3.1.2");
    expect(m).toContain("«60%»");
  });

  it("percent out of range, bare numbers, negative counts", () => {
    expect(error("3.1.2 160%")).toContain("tra 0% e 100%");
    expect(error("3.1.2 60")).toContain("«/obiettivo 3.1.2 60%»");
    expect(error("3.3.2 -1")).toContain("«/obiettivo 3.3.2 = 5»");
    expect(error("3.3.2 +0")).toContain("numero intero da 1");
    expect(error("3.3.2 +abc")).toContain("numero intero");
    expect(error("3.3.2 = tanti")).toContain("«/obiettivo 3.3.2 = 5»");
  });

  it("blocked without reason, note without text", () => {
    expect(error("3.1.2 bloccato")).toContain("motivo");
    expect(error("3.1.2 nota")).toContain("testo della nota");
  });

  it("impossible or unreadable dates", () => {
    expect(error("3.1.2 completato il 31/02/2024")).toContain("Non riconosco «31/02/2024» come data");
    expect(error("3.1.2 completato il domani")).toContain("come data");
  });

  it("too long texts and notes", () => {
    expect(error(`3.1.2 nota ${"x".repeat(1200)}`)).toContain("troppo lunga");
    expect(error("x".repeat(20_000))).toContain("troppo lungo");
  });

  it("history takes nothing after it", () => {
    expect(error("3.1.2 storia extra")).toContain("«/obiettivo 3.1.2 storia»");
  });
});

describe("per @collega (a report on someone's behalf)", () => {
  it("takes a trailing Slack mention, escaped or not, off any report form", () => {
    expect(command("3.1.2 completato per <@U123ABC|mario>")).toEqual({
      kind: "report",
      code: "3.1.2",
      action: { kind: "complete", on: null, note: null },
      onBehalfOf: { userId: "U123ABC" },
    });
    expect(command("3.1.2 60% per <@U123ABC>")).toMatchObject({
      action: { kind: "percent", percent: 60 },
      onBehalfOf: { userId: "U123ABC" },
    });
    expect(command("3.1.2 completato il 12/03/2024 per <@U1234|m>")).toMatchObject({
      action: { on: "2024-03-12" },
      onBehalfOf: { userId: "U1234" },
    });
    expect(command("3.1.2 completato per @Mario")).toMatchObject({ onBehalfOf: { name: "Mario" } });
    // "per" inside a note is not a person.
    expect(command("3.1.2 nota inviata la richiesta per email")).toEqual({
      kind: "report",
      code: "3.1.2",
      action: { kind: "note", text: "inviata la richiesta per email" },
    });
  });

  it("refuses it where nothing is recorded, and a broken mention", () => {
    const open = parse("3.1.2 per <@U123ABC>");
    expect(open.ok === false && open.message).toContain("serve solo per registrare un aggiornamento");
    const history = parse("3.1.2 storia per <@U123ABC>");
    expect(history.ok).toBe(false);
    const broken = parse("3.1.2 completato per <@>");
    expect(broken.ok === false && broken.message).toContain("Non riconosco la persona dopo «per»");
  });

  it("unwraps the links and channels Slack escapes once should_escape is on", () => {
    expect(cleanCommandText("3.1.2 nota vedi <https://comune.it/atto|comune.it/atto> in <#C123ABC|generale>")).toBe(
      "3.1.2 nota vedi https://comune.it/atto in #generale",
    );
  });
});
