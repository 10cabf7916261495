import { describe, expect, it } from "vitest";
import type { AllAreasStatus, AreaSummary, ObjectiveStatus, ScopeStatus } from "../../src/domain/status/status.ts";
import { ACTION } from "../../src/slack/ui/ids.ts";
import {
  allAreasMessage,
  decodeShareValue,
  describeReport,
  encodeShareValue,
  MAX_BLOCKS,
  MAX_SECTION_TEXT,
  percentLabel,
  progressBar,
  scopeStatusMessage,
  statusMessage,
  statusNotice,
} from "../../src/slack/ui/status.ts";

type Block = {
  type: string;
  text?: { text: string; type: string };
  elements?: { type: string; action_id?: string; value?: string; text?: unknown }[];
};

function objective(code: string, completion: number, extra: Partial<ObjectiveStatus> = {}): ObjectiveStatus {
  return { code, title: `OBIETTIVO ${code}`, weight: 10, activities: 5, completed: 0, completion, ...extra };
}

function scope(extra: Partial<ScopeStatus> = {}): ScopeStatus {
  return {
    scope: { kind: "area", code: "03" },
    year: 2024,
    entity: "Comune di Leggiuno",
    today: "2024-10-07",
    area: { id: 3, code: "03", name: "Area Tecnico Manutentiva", head: "Claudia Nodari" },
    completion: 0.4,
    activities: 23,
    completed: 2,
    objectives: [objective("3.1", 0.42, { completed: 1, activities: 7 }), objective("3.2", 0.1)],
    objectiveTotal: 2,
    overdue: {
      count: 7,
      worst: [
        {
          code: "3.3.1",
          title: "Gestione rifiuti",
          objectiveCode: "3.3",
          deadline: "2024-03-31",
          daysLeft: -190,
          status: "in_corso",
        },
        {
          code: "3.4.1",
          title: "Servizi cimiteriali",
          objectiveCode: "3.4",
          deadline: "2024-10-06",
          daysLeft: -1,
          status: "bloccata",
        },
      ],
    },
    dueSoon: {
      count: 2,
      days: 30,
      items: [
        {
          code: "3.1.1",
          title: "Opere pubbliche",
          objectiveCode: "3.1",
          deadline: "2024-10-07",
          daysLeft: 0,
          status: null,
        },
        { code: "3.1.3", title: "Via Piave", objectiveCode: "3.1", deadline: "2024-10-08", daysLeft: 1, status: null },
      ],
    },
    latestReports: [
      {
        id: 9,
        activityCode: "3.3.5",
        activityTitle: "Ricarica auto elettriche",
        userId: "U0TECNICO",
        kind: "percent",
        status: null,
        value: 60,
        note: "installate 2 colonnine <b>",
        occurredOn: "2024-10-04",
        createdAt: new Date("2024-10-04T10:00:00Z"),
      },
    ],
    ...extra,
  };
}

function texts(blocks: Block[]): string[] {
  return blocks
    .flatMap((b) => [b.text?.text ?? "", ...(b.elements ?? []).map((e) => (e as { text?: string }).text ?? "")])
    .filter((t) => typeof t === "string");
}

function assertSlackLimits(blocks: Block[], text: string) {
  expect(blocks.length).toBeLessThanOrEqual(MAX_BLOCKS);
  expect(text.length).toBeGreaterThan(0);
  expect(text.length).toBeLessThanOrEqual(3000);
  for (const b of blocks) {
    if (b.type === "section") expect(b.text!.text.length).toBeLessThanOrEqual(MAX_SECTION_TEXT);
    if (b.type === "header") expect(b.text!.text.length).toBeLessThanOrEqual(150);
  }
}

describe("progress bar and percentages", () => {
  it("never claims 100% before everything is done", () => {
    expect(progressBar(0)).toBe("░░░░░░░░░░ 0%");
    expect(progressBar(0.4)).toBe("▓▓▓▓░░░░░░ 40%");
    expect(progressBar(0.999)).toBe("▓▓▓▓▓▓▓▓▓░ 99%");
    expect(progressBar(1)).toBe("▓▓▓▓▓▓▓▓▓▓ 100%");
    expect(percentLabel(-0.2)).toBe("0%");
    expect(percentLabel(0.0729)).toBe("7%");
  });
});

describe("one area on one screen", () => {
  it("header, weighted completion, objectives with bars, overdue, due soon, latest reports, share button", () => {
    const m = scopeStatusMessage(scope(), { shareButton: true });
    const blocks = m.blocks as Block[];
    assertSlackLimits(blocks, m.text);
    expect(blocks[0]).toEqual({
      type: "header",
      text: { type: "plain_text", text: "Stato · 03 Area Tecnico Manutentiva", emoji: true },
    });
    const all = texts(blocks).join("\n");
    expect(all).toContain("*Completamento ponderato:* ▓▓▓▓░░░░░░ 40%");
    expect(all).toContain("2 attività completate su 23 · Responsabile: Claudia Nodari");
    expect(all).toContain("*Obiettivi (2)*");
    expect(all).toContain("`3.1` OBIETTIVO 3.1 · peso 10%\n▓▓▓▓░░░░░░ 42% · 1/7 completate");
    expect(all).toContain("*In ritardo: 7 attività* :warning:");
    expect(all).toContain("• `3.3.1` Gestione rifiuti — scadenza 31/03/2024, 190 giorni di ritardo · _in corso_");
    expect(all).toContain("• `3.4.1` Servizi cimiteriali — scadenza 06/10/2024, 1 giorno di ritardo · _bloccata_");
    expect(all).toContain("…e altre 5");
    expect(all).toContain("*In scadenza nei prossimi 30 giorni: 2*");
    expect(all).toContain("scade oggi (07/10/2024)");
    expect(all).toContain("scade domani (08/10/2024)");
    expect(all).toContain(
      "• 04/10/2024 <@U0TECNICO> `3.3.5` Ricarica auto elettriche: *60%* — «installate 2 colonnine &lt;b&gt;»",
    );
    expect(all).toContain("Piano 2024 · Comune di Leggiuno · situazione al 07/10/2024");
    const actions = blocks.filter((b) => b.type === "actions");
    expect(actions).toHaveLength(1);
    const button = actions[0]!.elements![0]!;
    expect(button).toMatchObject({
      type: "button",
      action_id: ACTION.shareStatus,
      text: { type: "plain_text", text: "Condividi nel canale" },
    });
    expect(decodeShareValue(button.value)).toEqual({ scope: { kind: "area", code: "03" }, year: 2024 });
    expect(m.text).toBe(
      "Stato 03 Area Tecnico Manutentiva (piano 2024): 40% completato, 7 attività in ritardo, 2 in scadenza nei prossimi 30 giorni.",
    );
  });

  it("the copy shared in the channel has no button and says who shared it", () => {
    const m = scopeStatusMessage(scope(), { shareButton: false, sharedBy: "U0SEGR" });
    const blocks = m.blocks as Block[];
    expect(blocks.some((b) => b.type === "actions")).toBe(false);
    const context = blocks.find((b) => b.type === "context")!;
    expect(JSON.stringify(context)).toContain("condiviso da <@U0SEGR>");
  });

  it("nothing late, nothing due, no reports: says so", () => {
    const m = scopeStatusMessage(
      scope({ overdue: { count: 0, worst: [] }, dueSoon: { count: 0, days: 30, items: [] }, latestReports: [] }),
      { shareButton: true },
    );
    const all = texts(m.blocks as Block[]).join("\n");
    expect(all).toContain("*In ritardo:* nessuna attività :white_check_mark:");
    expect(all).toContain("*In scadenza nei prossimi 30 giorni:* nessuna attività");
    expect(all).toContain("*Ultimi aggiornamenti:* nessuno finora");
  });

  it("the Comune-wide objectives have their own title and no head", () => {
    const m = scopeStatusMessage(scope({ scope: { kind: "ente" }, area: null }), { shareButton: true });
    expect((m.blocks[0] as Block).text!.text).toBe("Stato · Obiettivi dell'ente (performance organizzativa)");
    expect(texts(m.blocks as Block[]).join("\n")).not.toContain("Responsabile");
    const button = (m.blocks as Block[]).find((b) => b.type === "actions")!.elements![0]!;
    expect(decodeShareValue(button.value)).toEqual({ scope: { kind: "ente" }, year: 2024 });
  });

  it("a huge area stays within Slack's limits and counts what it cannot show", () => {
    const long = "PROGETTO ".repeat(60);
    const objectives = Array.from({ length: 40 }, (_, i) => objective(`3.${i + 1}`, i / 40, { title: long }));
    const m = scopeStatusMessage(
      scope({ objectives, objectiveTotal: 4000, area: { id: 3, code: "03", name: "Area ".repeat(50), head: null } }),
      { shareButton: true },
    );
    const blocks = m.blocks as Block[];
    assertSlackLimits(blocks, m.text);
    const all = texts(blocks).join("\n");
    expect(all).toContain("*Obiettivi (4000)*");
    expect(all).toMatch(/…e altri \d+ obiettivi/);
    expect(Number(/…e altri (\d+) obiettivi/.exec(all)![1])).toBeGreaterThanOrEqual(3960);
    expect(blocks.at(-1)!.type).toBe("actions");
  });

  it("escapes what came from the document or from people", () => {
    const m = scopeStatusMessage(
      scope({ objectives: [objective("3.1", 0, { title: "A & B <!channel>" })], entity: "Comune <di> Prova" }),
      { shareButton: false },
    );
    const all = JSON.stringify(m.blocks);
    expect(all).toContain("A &amp; B &lt;!channel&gt;");
    expect(all).toContain("Comune &lt;di&gt; Prova");
    expect(all).not.toContain("<!channel>");
  });
});

describe("every area", () => {
  function summary(code: string | null, completion: number, overdue = 0, dueSoon = 0): AreaSummary {
    return {
      area: code ? ({ id: Number(code), code, name: `Area ${code}` } as AreaSummary["area"]) : null,
      completion,
      activities: 20,
      completed: 4,
      overdue,
      dueSoon,
    };
  }
  const all: AllAreasStatus = {
    year: 2024,
    entity: "Comune di Leggiuno",
    today: "2024-10-07",
    areas: [summary("01", 0.25, 3, 1), summary("02", 1)],
    ente: summary(null, 0.05, 1),
  };

  it("one compact section per area and one for the Comune-wide objectives", () => {
    const m = allAreasMessage(all, { shareButton: true });
    const blocks = m.blocks as Block[];
    assertSlackLimits(blocks, m.text);
    const sections = blocks.filter((b) => b.type === "section").map((b) => b.text!.text);
    expect(sections).toEqual([
      "*01 Area 01*\n▓▓░░░░░░░░ 25% · 4/20 completate · :warning: 3 in ritardo · 1 in scadenza",
      "*02 Area 02*\n▓▓▓▓▓▓▓▓▓▓ 100% · 4/20 completate · nessuna in ritardo",
      "*Obiettivi dell'ente*\n░░░░░░░░░░ 5% · 4/20 completate · :warning: 1 in ritardo",
    ]);
    const button = blocks.find((b) => b.type === "actions")!.elements![0]!;
    expect(button.action_id).toBe(ACTION.shareStatus);
    expect(decodeShareValue(button.value)).toEqual({ scope: { kind: "all" }, year: 2024 });
    expect(m.text).toBe(
      "Stato del piano 2024, Comune di Leggiuno: 01 25% (3 in ritardo), 02 100%, ente 5% (1 in ritardo).",
    );
    expect(JSON.stringify(blocks)).toContain("`/stato &lt;area&gt;`");
  });

  it("a plan with a hundred areas packs them within 50 blocks", () => {
    const many = {
      ...all,
      areas: Array.from({ length: 100 }, (_, i) => summary(String(i + 1).padStart(3, "0"), i / 100, i)),
    };
    const m = statusMessage({ kind: "all", ...many }, { shareButton: true });
    assertSlackLimits(m.blocks as Block[], m.text);
    const joined = texts(m.blocks as Block[]).join("\n");
    expect(joined).toContain("*001 Area 001*");
    expect(joined).toContain("*100 Area 100*");
  });
});

describe("notices, button values, report wording", () => {
  it("a notice is plain words, escaped, with the same text as fallback", () => {
    const m = statusNotice("Nessuna area corrisponde a «<!here>».");
    expect(m.text).toBe("Nessuna area corrisponde a «<!here>».");
    expect(m.blocks).toEqual([
      { type: "section", text: { type: "mrkdwn", text: "Nessuna area corrisponde a «&lt;!here&gt;»." } },
    ]);
  });

  it("button values round-trip; anything else is refused", () => {
    for (const s of [{ kind: "all" }, { kind: "ente" }, { kind: "area", code: "03" }] as const) {
      expect(decodeShareValue(encodeShareValue(s, 2024))).toEqual({ scope: s, year: 2024 });
    }
    for (const bad of [
      undefined,
      "",
      "{",
      "null",
      "[]",
      '{"scope":"area:","year":2024}',
      '{"scope":"x","year":2024}',
      '{"scope":"ente","year":"2024"}',
      '{"scope":"ente","year":2024.5}',
    ]) {
      expect(decodeShareValue(bad), String(bad)).toBeNull();
    }
  });

  it("says what each kind of report recorded", () => {
    expect(describeReport({ kind: "status", status: "completata", value: null })).toBe("completata");
    expect(describeReport({ kind: "status", status: "in_corso", value: null })).toBe("in corso");
    expect(describeReport({ kind: "percent", status: null, value: 62.5 })).toBe("62,5%");
    expect(describeReport({ kind: "count_add", status: null, value: 1 })).toBe("+1");
    expect(describeReport({ kind: "count_set", status: null, value: 5 })).toBe("totale 5");
    expect(describeReport({ kind: "boolean", status: null, value: 1 })).toBe("raggiunto: sì");
    expect(describeReport({ kind: "amount", status: null, value: 200000 })).toBe("importo 200.000");
    expect(describeReport({ kind: "note", status: null, value: null })).toBe("nota");
  });
});
