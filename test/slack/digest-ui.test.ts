import { describe, expect, it } from "vitest";
import type { AreaDigest, DeadlineEntry } from "../../src/domain/digest/digest.ts";
import { digestMessage, fitLines } from "../../src/slack/ui/digest.ts";
import { delayModal, delayErrorsByBlock, parseDelayState, DELAY_FIELDS } from "../../src/slack/ui/delay-modal.ts";
import { noticeBundleMessage, SNOOZE_LABEL, type NoticeItem } from "../../src/slack/ui/reminders.ts";
import { ACTION, VIEW } from "../../src/slack/ui/ids.ts";
import { DELAY_CAUSES } from "../../src/domain/delays/delays.ts";

function entry(i: number, daysLate: number, titleLength = 40): DeadlineEntry {
  return {
    code: `3.${i}.1`,
    title: `Attività <numero> & ${i} ${"x".repeat(titleLength)}`,
    objectiveCode: `3.${i}`,
    deadline: "2024-09-15",
    daysLate,
    status: null,
  };
}

function digest(over: Partial<AreaDigest> = {}): AreaDigest {
  return {
    planYear: 2024,
    entity: "Comune di Leggiuno",
    today: "2024-10-07",
    week: "2024-W41",
    area: { code: "03", name: "Area Tecnico Manutentiva" },
    heads: [{ slackUserId: "U0HEAD03", name: "Claudia Nodari" }],
    overdue: { total: 2, items: [entry(1, 22), entry(2, 5)] },
    dueSoon: { total: 1, days: 14, items: [entry(3, -10)] },
    behindPace: {
      total: 1,
      items: [
        {
          code: "3.3.2",
          title: "Monitoraggio della raccolta differenziata",
          objectiveCode: "3.3",
          targetText: "> 2 al mese",
          threshold: 2,
          period: "month",
          currentPeriod: { period: "month", start: "2024-10-01", expected: 1, recorded: 0 },
          yearToDate: { expected: 18, recorded: 12 },
        },
      ],
    },
    comuneWide: { total: 0, items: [] },
    away: [],
    notReported: null,
    completion: 0.425,
    activities: 23,
    completed: 4,
    quiet: false,
    ...over,
  };
}

function sectionTexts(blocks: unknown[]): string[] {
  return blocks.flatMap((b) => {
    const x = b as { type: string; text?: { text: string } };
    return x.type === "section" && x.text ? [x.text.text] : [];
  });
}

describe("digest message", () => {
  it("mentions the heads with <@id>, escapes plan text and says what is expected vs recorded", () => {
    const msg = digestMessage(digest());
    const all = sectionTexts(msg.blocks).join("\n");
    expect(all).toContain("Responsabile: <@U0HEAD03>");
    expect(all).toContain("Attività &lt;numero&gt; &amp; 1");
    expect(all).toContain("*22 giorni di ritardo*");
    expect(all).toContain("scade tra 10 giorni (15/09/2024)");
    expect(all).toContain(
      "valore atteso «&gt; 2 al mese», registrati questo mese 0 (atteso finora 1), da inizio anno 12 (attesi finora 18)",
    );
    expect(all).toContain("Completamento ponderato dell'area: *42,5%* (4 di 23 attività completate).");
    expect(msg.text).toBe(
      "Riepilogo settimanale 03. Area Tecnico Manutentiva: 2 in ritardo, 1 in scadenza, 1 sotto il ritmo; completamento 42,5%.",
    );
    expect(msg.blocks[0]).toMatchObject({
      type: "header",
      text: { type: "plain_text", text: "Riepilogo settimanale – 03. Area Tecnico Manutentiva" },
    });
  });

  it("stays within Slack's limits however long the lists and titles", () => {
    const many = Array.from({ length: 10 }, (_, i) => entry(i + 1, 100 - i, 400));
    const msg = digestMessage(
      digest({
        overdue: { total: 5000, items: many },
        dueSoon: { total: 4000, days: 14, items: many.map((e) => ({ ...e, daysLate: -3 })) },
        comuneWide: { total: 300, items: many.map((e) => ({ ...e, code: `E${e.code}` })) },
        area: { code: "03", name: "N".repeat(300) },
      }),
    );
    expect(msg.blocks.length).toBeLessThanOrEqual(50);
    for (const t of sectionTexts(msg.blocks)) expect(t.length).toBeLessThanOrEqual(3000);
    const header = msg.blocks[0] as { text: { text: string } };
    expect(header.text.text.length).toBeLessThanOrEqual(150);
    const overdue = sectionTexts(msg.blocks).find((t) => t.startsWith("*In ritardo (5000)*"))!;
    expect(overdue).toMatch(/… e altre 499\d$/);
  });

  it("fits lines into a section and counts the ones left out", () => {
    const lines = Array.from({ length: 30 }, (_, i) => `• riga ${i} ${"y".repeat(200)}`);
    const text = fitLines("*Titolo*", lines, 5, 3000);
    expect(text.length).toBeLessThanOrEqual(3000);
    const shown = text.split("\n").filter((l) => l.startsWith("• ")).length;
    expect(text.endsWith(`… e altre ${30 - shown + 5}`)).toBe(true);
    expect(fitLines("*T*", ["• a", "• b"], 0)).toBe("*T*\n• a\n• b");
    expect(fitLines("*T*", ["• a"], 1)).toBe("*T*\n• a\n… e un'altra");
  });

  it("gives a quiet week a single positive line", () => {
    const msg = digestMessage(
      digest({
        quiet: true,
        overdue: { total: 0, items: [] },
        dueSoon: { total: 0, days: 14, items: [] },
        behindPace: { total: 0, items: [] },
      }),
    );
    expect(msg.blocks).toHaveLength(1);
    expect(msg.text).toBe(
      "03. Area Tecnico Manutentiva: niente da segnalare questa settimana, nessuna attività in ritardo o in scadenza nei prossimi 14 giorni. Completamento ponderato: 42,5%.",
    );
  });
});

describe("digest: who is away, who has not reported", () => {
  it("names the absent without notifying them, and mentions the silent ones", () => {
    const msg = digestMessage(
      digest({
        away: [{ slackUserId: "U0MARIO", name: "Mario Rossi", from: "2025-08-10", to: "2025-08-25" }],
        notReported: { weeks: 3, people: [{ slackUserId: "U0LUCA", name: "Luca", lastReportAt: null }] },
      }),
    );
    const text = JSON.stringify(msg.blocks);
    expect(text).toContain("Assenti questa settimana (1)");
    expect(text).toContain("Mario Rossi (U0MARIO) — dal 10/08/2025 al 25/08/2025");
    expect(text).not.toContain("<@U0MARIO>");
    expect(text).toContain("Nessun aggiornamento nelle ultime 3 settimane (1)");
    expect(text).toContain("<@U0LUCA> — nessun aggiornamento finora");
  });

  it("a quiet week with someone away says so in its one line", () => {
    const QUIET = {
      quiet: true,
      overdue: { total: 0, items: [] },
      dueSoon: { total: 0, days: 14, items: [] },
      behindPace: { total: 0, items: [] },
    };
    const quiet = digestMessage(
      digest({
        ...QUIET,
        away: [{ slackUserId: "U0MARIO", name: "Mario Rossi", from: "2025-08-11", to: "2025-08-11" }],
      }),
    );
    expect(quiet.text).toContain("Assenti questa settimana: Mario Rossi (U0MARIO) (il 11/08/2025).");
  });
});

describe("direct messages and the delay modal", () => {
  const notice = {
    year: 2024,
    code: "3.1.3",
    title: "Lavori in Via Piave",
    areaLabel: "03. Area Tecnico Manutentiva",
    deadline: "2024-10-31",
  };
  const item = (over: Partial<NoticeItem>): NoticeItem => ({
    ...notice,
    kind: "reminder",
    days: 7,
    workingDays: 5,
    onBehalfOf: [],
    snoozed: false,
    ...over,
  });

  it("a reminder carries Segna completata, Aggiorna and the snooze button", () => {
    const msg = noticeBundleMessage([item({})]);
    expect(msg.text).toContain("scade tra 7 giorni (5 lavorativi) (31/10/2024)");
    const actions = msg.blocks.find((b) => b.type === "actions") as {
      elements: { action_id: string; value: string; text: { text: string } }[];
    };
    expect(actions.elements.map((e) => [e.text.text, e.action_id, JSON.parse(e.value)])).toEqual([
      ["Segna completata", ACTION.activityComplete, { year: 2024, code: "3.1.3" }],
      ["Aggiorna", ACTION.activityUpdate, { year: 2024, code: "3.1.3" }],
      [SNOOZE_LABEL, ACTION.snooze, { year: 2024, code: "3.1.3", kind: "reminder" }],
    ]);
    expect(SNOOZE_LABEL).toBe("Ricordamelo tra 3 giorni");
    expect(noticeBundleMessage([item({ days: 1, workingDays: 1 })]).text).toContain("scade domani");
  });

  it("the overdue question carries Spiega il ritardo", () => {
    const msg = noticeBundleMessage([item({ kind: "question", days: 3, workingDays: 3 })]);
    const actions = msg.blocks.find((b) => b.type === "actions") as {
      elements: { action_id: string; text: { text: string } }[];
    };
    expect(actions.elements[0]).toMatchObject({ action_id: ACTION.delayExplain, text: { text: "Spiega il ritardo" } });
    expect(msg.text).toContain("3 giorni di ritardo");
  });

  it("a day's items are one message under one heading, and say for whom they stand in", () => {
    const msg = noticeBundleMessage([
      item({ kind: "question", code: "3.1.4", days: 2, workingDays: 2 }),
      item({ onBehalfOf: ["Mario Rossi"] }),
    ]);
    expect(msg.text).toMatch(/^Oggi per te: 1 scadenza in arrivo e 1 attività in ritardo\./);
    expect(msg.blocks.filter((b) => b.type === "actions")).toHaveLength(2);
    expect(JSON.stringify(msg.blocks)).toContain("Ti arriva al posto di Mario Rossi, assente.");
  });

  it("the modal offers exactly the six causes and maps errors to its blocks", () => {
    const view = delayModal(
      {
        year: 2024,
        code: "3.1.3",
        title: "Lavori",
        areaCode: "03",
        areaName: "Area",
        deadline: "2024-10-31",
        daysLate: 3,
      },
      { year: 2024, code: "3.1.3" },
    );
    expect(view.callback_id).toBe(VIEW.delayExplanation);
    const select = view.blocks.find((b) => b.block_id === DELAY_FIELDS.cause.block) as {
      element: { options: { text: { text: string }; value: string }[] };
    };
    expect(select.element.options.map((o) => o.text.text)).toEqual([
      "carenza di personale",
      "modifica normativa",
      "ritardo di altri enti o uffici",
      "mancanza di risorse finanziarie",
      "priorità cambiate dall'amministrazione",
      "altro",
    ]);
    expect(select.element.options.map((o) => o.value)).toEqual(DELAY_CAUSES.map((c) => c.code));
    expect(delayErrorsByBlock({ newExpectedDate: "x" })).toEqual({ [DELAY_FIELDS.newExpectedDate.block]: "x" });
    expect(
      parseDelayState({
        [DELAY_FIELDS.cause.block]: { [DELAY_FIELDS.cause.action]: { selected_option: { value: "altro" } } },
        [DELAY_FIELDS.explanation.block]: { [DELAY_FIELDS.explanation.action]: { value: "testo" } },
        [DELAY_FIELDS.newExpectedDate.block]: {
          [DELAY_FIELDS.newExpectedDate.action]: { selected_date: "2024-11-30" },
        },
      }),
    ).toEqual({ cause: "altro", explanation: "testo", correctiveAction: null, newExpectedDate: "2024-11-30" });
  });
});
