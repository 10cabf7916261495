import { describe, expect, it } from "vitest";
import type { ActivityInfo, PickerOption } from "../../src/domain/plan/activity.ts";
import { deriveProgress, type DerivedProgress } from "../../src/domain/progress/progress.ts";
import { ACTION, VIEW } from "../../src/slack/ui/ids.ts";
import type { SlackMessage } from "../../src/slack/ui/message.ts";
import {
  parseReportModalMeta,
  pickerModal,
  readReportSubmission,
  REPORT_BLOCK,
  REPORT_ELEMENT,
  reportModal,
  valueFieldFor,
  type ViewValues,
} from "../../src/slack/ui/report-modal.ts";
import {
  chooseActivityMessage,
  errorMessage,
  helpMessage,
  historyMessage,
  reportRecordedMessage,
  reportUndoneMessage,
  unknownCodeMessage,
} from "../../src/slack/ui/report-reply.ts";

/** The Block Kit builders of /obiettivo, checked as data against what Slack accepts. */

function activity(overrides: Partial<ActivityInfo> = {}): ActivityInfo {
  return {
    id: 1,
    year: 2024,
    code: "3.1.2",
    printedCode: "3.1.2",
    title: "Riqualificazione area San Primo",
    objectiveCode: "3.1",
    objectiveTitle: "REALIZZAZIONE OPERE PUBBLICHE",
    areaCode: "03",
    areaName: "Area Tecnico Manutentiva",
    indicatorName: "Realizzazione lavori",
    indicatorIndex: "Tempo previsto",
    targetText: "31 Dicembre 2024",
    targetKind: "deadline",
    threshold: null,
    comparator: null,
    period: null,
    unit: null,
    deadline: "2024-12-31",
    needsManualDate: false,
    position: 10,
    ...overrides,
  };
}

const none: DerivedProgress = deriveProgress([], { targetKind: "deadline", period: null });
const report = {
  id: 42,
  kind: "status",
  status: "completata",
  value: null,
  occurredOn: "2024-10-07",
  note: "<!channel> consegnato *subito*",
  evidence: "Determina n. 123",
  createdAt: new Date("2024-10-07T08:00:00Z"),
};
const completed: DerivedProgress = {
  ...none,
  status: "completata",
  completedOn: "2024-10-07",
  lastReportAt: report.createdAt,
  lastReporterId: "U1",
};

/** Slack's limits that a builder could break: text fallback, section length, blocks, button values. */
function assertValidMessage(m: SlackMessage): void {
  expect(m.text.trim().length).toBeGreaterThan(0);
  expect(m.text.length).toBeLessThanOrEqual(4000);
  expect(m.blocks.length).toBeGreaterThan(0);
  expect(m.blocks.length).toBeLessThanOrEqual(50);
  for (const b of m.blocks as {
    type: string;
    block_id?: string;
    text?: { text: string };
    fields?: { text: string }[];
    elements?: { type: string; action_id?: string; value?: string }[];
    accessory?: { action_id?: string; value?: string };
  }[]) {
    if (b.text) expect(b.text.text.length).toBeLessThanOrEqual(3000);
    if (b.fields) {
      expect(b.fields.length).toBeLessThanOrEqual(10);
      for (const f of b.fields) expect(f.text.length).toBeLessThanOrEqual(2000);
    }
    const interactive = [
      ...(b.elements ?? []).filter((e) => e.action_id),
      ...(b.accessory?.action_id ? [b.accessory] : []),
    ];
    const ids = interactive.map((e) => e.action_id);
    expect(new Set(ids).size).toBe(ids.length); // unique within a block, as Slack requires
    for (const e of interactive) {
      expect(e.value!.length).toBeLessThanOrEqual(2000);
      expect(() => JSON.parse(e.value!)).not.toThrow();
    }
  }
}

function buttonsOf(m: SlackMessage) {
  return (
    m.blocks as {
      elements?: { action_id?: string; value?: string }[];
      accessory?: { action_id?: string; value?: string };
    }[]
  ).flatMap((b) => [
    ...(b.elements ?? []).filter((e) => e.action_id),
    ...(b.accessory?.action_id ? [b.accessory] : []),
  ]);
}

describe("reply builders", () => {
  it("a recorded report: what, state, Annulla with the report id, Aggiorna with year and code", () => {
    const m = reportRecordedMessage({ activity: activity(), report, progress: completed, today: "2024-10-07" });
    assertValidMessage(m);
    expect(m.text).toContain(
      "Registrato: 3.1.2 «Riqualificazione area San Primo»: segnata come completata il 07/10/2024",
    );
    expect(m.text).toContain("Puoi annullare entro 15 minuti");
    const [undo, update] = buttonsOf(m);
    expect(undo).toMatchObject({ action_id: ACTION.reportUndo });
    expect(JSON.parse(undo!.value!)).toEqual({ reportId: 42 });
    expect(update).toMatchObject({ action_id: ACTION.activityUpdate });
    expect(JSON.parse(update!.value!)).toEqual({ year: 2024, code: "3.1.2" });
  });

  it("escapes what users typed, so a note cannot ping a channel or format the message", () => {
    const m = reportRecordedMessage({ activity: activity(), report, progress: completed, today: "2024-10-07" });
    const all = JSON.stringify(m.blocks);
    expect(all).toContain("&lt;!channel&gt;");
    expect(all).not.toContain("<!channel>");
  });

  it("a duplicate says it was not counted twice", () => {
    const m = reportRecordedMessage({
      activity: activity(),
      report,
      progress: completed,
      today: "2024-10-07",
      duplicate: true,
    });
    assertValidMessage(m);
    expect(m.text).toContain("Già registrato");
  });

  it("shows counts with the current period, percentages, values, deadlines and blocked reasons", () => {
    const count = activity({
      code: "3.3.2",
      targetKind: "count",
      period: "month",
      targetText: "> 2 al mese",
      deadline: null,
    });
    const p = { ...none, status: "in_corso" as const, count: 5, periodCounts: [{ period: "2024-10", count: 2 }] };
    const m = reportRecordedMessage({
      activity: count,
      report: { ...report, kind: "count_add", value: 1, status: null, note: null, evidence: null },
      progress: p,
      today: "2024-10-07",
    });
    expect(m.text).toContain("Conteggio: 5 (ottobre 2024: 2)");
    const late = reportRecordedMessage({
      activity: activity({ deadline: "2024-09-30" }),
      report: { ...report, status: "bloccata", note: "manca il parere" },
      progress: { ...none, status: "bloccata", blockedReason: "manca il parere" },
      today: "2024-10-07",
    });
    expect(late.text).toContain("Motivo del blocco: manca il parere");
    expect(late.text).toContain("30/09/2024 (scaduta da 7 giorni)");
    const amount = reportRecordedMessage({
      activity: activity({ targetKind: "amount", unit: "€", targetText: "> 200.000,00 Euro", deadline: null }),
      report: { ...report, kind: "amount", value: 250000.5, status: null, note: null, evidence: null },
      progress: { ...none, status: "in_corso", achievedValue: 250000.5 },
      today: "2024-10-07",
    });
    expect(amount.text).toContain("250.000,50 €");
  });

  it("an undone report: struck through, with the state after", () => {
    const m = reportUndoneMessage({
      activity: activity(),
      activityCode: "3.1.2",
      report,
      progress: { ...none, status: "in_corso", percent: 40 },
      today: "2024-10-07",
    });
    assertValidMessage(m);
    expect(m.text).toContain("Annullato l'aggiornamento di 3.1.2");
    expect(m.text).toContain("Avanzamento: 40%");
    expect(JSON.stringify(m.blocks)).toContain("~");
    expect(buttonsOf(m).map((b) => b.action_id)).toEqual([ACTION.activityUpdate]);
    assertValidMessage(
      reportUndoneMessage({ activity: null, activityCode: "3.1.2", report, progress: none, today: "2024-10-07" }),
    );
  });

  it("history: undone ones marked, delays with cause, long histories split across sections", () => {
    const reports = Array.from({ length: 30 }, (_, i) => ({
      ...report,
      id: i + 1,
      kind: "note",
      status: null,
      note: `nota numero ${i} ${"x".repeat(150)}`,
      planYear: 2024,
      activityCode: "3.1.2",
      userId: "U1",
      enteredBy: null,
      areaCode: null,
      numerator: null,
      denominator: null,
      valueSource: null,
      source: "slack_command",
      idempotencyKey: null,
      undoneAt: i === 0 ? new Date("2024-10-07T08:05:00Z") : null,
      undoneBy: i === 0 ? "U1" : null,
    }));
    const delays = [
      {
        id: 1,
        planYear: 2024,
        activityCode: "3.1.2",
        cause: "carenza_personale",
        explanation: "un tecnico in meno",
        correctiveAction: "incarico esterno",
        newExpectedDate: "2024-11-30",
        userId: "U2",
        createdAt: new Date("2024-10-01T08:00:00Z"),
      },
    ];
    const m = historyMessage(activity(), completed, { reports, totalReports: 45, delays }, "2024-10-07");
    assertValidMessage(m);
    expect(m.text).toContain("annullato il");
    expect(m.text).toContain("carenza di personale");
    expect(m.text).toContain("nuova data prevista: 30/11/2024");
    expect(JSON.stringify(m.blocks)).toContain("gli ultimi 30 di 45");
    const empty = historyMessage(activity(), none, { reports: [], totalReports: 0, delays: [] }, "2024-10-07");
    expect(empty.text).toContain("Nessun aggiornamento registrato");
  });

  it("help lists every form with an example", () => {
    const m = helpMessage();
    assertValidMessage(m);
    for (const form of ["completato", "60%", "+1", "= 5", "in corso", "bloccato", "nota", "storia", "aiuto"])
      expect(m.text).toContain(form);
  });

  it("ambiguous code: one section and one 'Scegli' button per activity, replaying the command", () => {
    const a = activity({ code: "1.2.1", printedCode: "1.2.1", title: "Analisi", objectiveCode: "1.2" });
    const b = activity({ code: "1.3.1", printedCode: "1.2.1", title: "Regolamento gemellaggi", objectiveCode: "1.3" });
    const m = chooseActivityMessage("1.2.1", [a, b], "completato il 12/03/2024");
    assertValidMessage(m);
    const choices = buttonsOf(m);
    expect(choices.map((c) => c.action_id)).toEqual([ACTION.chooseActivity, ACTION.chooseActivity]);
    expect(choices.map((c) => JSON.parse(c.value!))).toEqual([
      { year: 2024, code: "1.2.1", rest: "completato il 12/03/2024" },
      { year: 2024, code: "1.3.1", rest: "completato il 12/03/2024" },
    ]);
    const tooLong = chooseActivityMessage("1.2.1", [a, b], `nota ${"y".repeat(2500)}`);
    assertValidMessage(tooLong);
    expect(buttonsOf(tooLong)).toHaveLength(0);
    expect(tooLong.text).toContain("ripeti il comando con il codice univoco");
  });

  it("unknown code: suggestions, an objective's activities, or nothing close", () => {
    const s = [{ code: "3.1.7", printedCode: "3.1.7", title: "Gestione patrimonio" }];
    const m1 = unknownCodeMessage({ kind: "unknown", typed: "3.1.8", suggestions: s, objective: null }, 2024, "fatto");
    assertValidMessage(m1);
    expect(m1.text).toContain("Forse intendevi");
    expect(m1.text).toContain("«/obiettivo 3.1.7 fatto»");
    const m2 = unknownCodeMessage(
      { kind: "unknown", typed: "3.1", suggestions: [], objective: { code: "3.1", title: "OPERE", activities: s } },
      2024,
      "",
    );
    expect(m2.text).toContain("3.1 è un obiettivo");
    const m3 = unknownCodeMessage({ kind: "unknown", typed: "9.9.9", suggestions: [], objective: null }, 2024, "");
    assertValidMessage(m3);
    expect(m3.text).toContain("né codici simili");
  });

  it("errors carry the same words in text and blocks", () => {
    const m = errorMessage("Non puoi <aggiornare> questa attività.");
    assertValidMessage(m);
    expect(m.text).toBe("Non puoi <aggiornare> questa attività.");
    expect(JSON.stringify(m.blocks)).toContain("&lt;aggiornare&gt;");
  });
});

describe("report modal builder", () => {
  const meta = { year: 2024, responseUrl: "https://hooks.slack.com/commands/T1/1/abc" };

  it("is a valid modal: callback id, short title and buttons, metadata that parses back", () => {
    const v = reportModal({ activity: activity(), progress: none, today: "2024-10-07", meta });
    expect(v.type).toBe("modal");
    expect(v.callback_id).toBe(VIEW.report);
    expect(v.title.text.length).toBeLessThanOrEqual(24);
    expect(v.submit!.text.length).toBeLessThanOrEqual(24);
    expect(v.private_metadata!.length).toBeLessThanOrEqual(3000);
    expect(parseReportModalMeta(v.private_metadata)).toEqual({ ...meta, code: "3.1.2" });
    expect(v.blocks.length).toBeLessThanOrEqual(100);
    const ids = (v.blocks as { block_id?: string }[]).map((b) => b.block_id).filter(Boolean);
    expect(ids).toEqual([
      REPORT_BLOCK.status,
      REPORT_BLOCK.value,
      REPORT_BLOCK.date,
      REPORT_BLOCK.note,
      REPORT_BLOCK.evidence,
    ]);
  });

  it.each([
    ["percentage", "percent", "Avanzamento (%)", "plain_text_input"],
    ["deadline", "percent", "Avanzamento (%)", "plain_text_input"],
    ["text", "percent", "Avanzamento (%)", "plain_text_input"],
    ["count", "count", "Totale raggiunto", "plain_text_input"],
    ["boolean", "boolean", "Risultato raggiunto?", "radio_buttons"],
    ["amount", "amount", "Importo raggiunto (€)", "plain_text_input"],
    ["upper_bound", "measure", "Valore misurato (giorni)", "plain_text_input"],
  ])("indicator %s: the %s field", (targetKind, field, label, elementType) => {
    expect(valueFieldFor(targetKind)).toBe(field);
    const unit = targetKind === "amount" ? "€" : targetKind === "upper_bound" ? "giorni" : null;
    const v = reportModal({ activity: activity({ targetKind, unit }), progress: none, today: "2024-10-07", meta });
    const block = (v.blocks as { block_id?: string; label?: { text: string }; element?: { type: string } }[]).find(
      (b) => b.block_id === REPORT_BLOCK.value,
    )!;
    expect(block.label!.text).toBe(label);
    expect(block.element!.type).toBe(elementType);
  });

  it("is prefilled with the current state", () => {
    const p = { ...none, status: "completata" as const, percent: 62.5, completedOn: "2024-09-30" };
    const v = reportModal({ activity: activity(), progress: p, today: "2024-10-07", meta });
    const byId = Object.fromEntries(
      (v.blocks as { block_id?: string; element?: Record<string, unknown> }[])
        .filter((b) => b.block_id)
        .map((b) => [b.block_id, b.element]),
    );
    expect(byId[REPORT_BLOCK.status]).toMatchObject({ initial_option: { value: "completata" } });
    expect(byId[REPORT_BLOCK.value]).toMatchObject({ initial_value: "62,5" });
    expect(byId[REPORT_BLOCK.date]).toMatchObject({ initial_date: "2024-09-30" });
  });

  it("the picker: own area first, groups and option texts within Slack's limits, at most 100 options", () => {
    const options: PickerOption[] = Array.from({ length: 120 }, (_, i) => ({
      code: `3.${Math.floor(i / 10)}.${i % 10}`,
      printedCode: "",
      title: `Attività con un titolo molto lungo che supera di gran lunga i settantacinque caratteri ammessi ${i}`,
      objectiveCode: "3.1",
      group: i < 100 ? "03. Area Tecnico Manutentiva" : "Obiettivi dell'ente",
    }));
    const v = pickerModal({ kind: "static", options }, { year: 2024 });
    const picker = (
      v.blocks as {
        block_id?: string;
        dispatch_action?: boolean;
        element?: {
          type: string;
          option_groups: { label: { text: string }; options: { text: { text: string }; value: string }[] }[];
        };
      }[]
    ).find((b) => b.block_id === REPORT_BLOCK.activity)!;
    expect(picker.dispatch_action).toBe(true);
    expect(picker.element!.type).toBe("static_select");
    const all = picker.element!.option_groups.flatMap((g) => g.options);
    expect(all).toHaveLength(100);
    expect(picker.element!.option_groups[0]!.label.text).toBe("03. Area Tecnico Manutentiva");
    for (const o of all) expect(o.text.text.length).toBeLessThanOrEqual(75);
    expect(
      pickerModal({ kind: "external" }, { year: 2024 }).blocks.some((b) =>
        JSON.stringify(b).includes("external_select"),
      ),
    ).toBe(true);
    const empty = pickerModal({ kind: "static", options: [] }, { year: 2024 });
    expect(empty.submit).toBeUndefined();
    expect(JSON.stringify(empty.blocks)).toContain("Non ci sono attività");
  });

  it("metadata that is not ours is refused", () => {
    expect(parseReportModalMeta("not json")).toBeNull();
    expect(parseReportModalMeta(JSON.stringify({ year: "2024" }))).toBeNull();
    expect(parseReportModalMeta(undefined)).toBeNull();
  });
});

describe("reading a submission", () => {
  const values = (v: {
    status?: string;
    value?: string;
    radio?: string;
    date?: string;
    note?: string;
    evidence?: string;
  }): ViewValues => ({
    [REPORT_BLOCK.status]: {
      [REPORT_ELEMENT.status]: { type: "static_select", selected_option: v.status ? { value: v.status } : null },
    },
    [REPORT_BLOCK.value]: {
      [REPORT_ELEMENT.value]:
        v.radio !== undefined
          ? { type: "radio_buttons", selected_option: { value: v.radio } }
          : { type: "plain_text_input", value: v.value ?? null },
    },
    [REPORT_BLOCK.date]: { [REPORT_ELEMENT.date]: { type: "datepicker", selected_date: v.date ?? null } },
    [REPORT_BLOCK.note]: { [REPORT_ELEMENT.note]: { type: "plain_text_input", value: v.note ?? null } },
    [REPORT_BLOCK.evidence]: { [REPORT_ELEMENT.evidence]: { type: "plain_text_input", value: v.evidence ?? null } },
  });
  const today = "2024-10-07";

  it("a changed percentage becomes a percent report; an unchanged status is left to the value", () => {
    const r = readReportSubmission(values({ status: "non_iniziata", value: "60,5" }), activity(), none, today);
    expect(r).toEqual({
      ok: true,
      report: {
        kind: "percent",
        status: null,
        value: 60.5,
        occurredOn: null,
        note: null,
        evidence: null,
        numerator: null,
        denominator: null,
        valueSource: null,
      },
    });
  });

  it("completion with a date, a note and a link", () => {
    const r = readReportSubmission(
      values({ status: "completata", date: "2024-09-30", note: "fatto", evidence: "https://albo.comune.it/atto/12" }),
      activity(),
      none,
      today,
    );
    expect(r).toEqual({
      ok: true,
      report: {
        kind: "status",
        status: "completata",
        value: null,
        occurredOn: "2024-09-30",
        note: "fatto",
        evidence: "https://albo.comune.it/atto/12",
        numerator: null,
        denominator: null,
        valueSource: null,
      },
    });
  });

  it("the date counts only for a completion", () => {
    const r = readReportSubmission(values({ status: "in_corso", date: "2024-09-30" }), activity(), none, today);
    expect(r).toMatchObject({ ok: true, report: { status: "in_corso", occurredOn: null } });
  });

  it("counts are whole numbers; amounts take the Italian format; yes/no from the radio", () => {
    const count = activity({ targetKind: "count" });
    expect(readReportSubmission(values({ value: "2,5" }), count, none, today)).toEqual({
      ok: false,
      errors: { [REPORT_BLOCK.value]: expect.stringContaining("intero") },
    });
    expect(readReportSubmission(values({ value: "7" }), count, none, today)).toMatchObject({
      ok: true,
      report: { kind: "count_set", value: 7 },
    });
    const amount = activity({ targetKind: "amount" });
    expect(readReportSubmission(values({ value: "1.250,50 €" }), amount, none, today)).toMatchObject({
      ok: true,
      report: { kind: "amount", value: 1250.5 },
    });
    expect(
      readReportSubmission(values({ radio: "1" }), activity({ targetKind: "boolean" }), none, today),
    ).toMatchObject({ ok: true, report: { kind: "boolean", value: 1 } });
  });

  it("errors are keyed by block id", () => {
    expect(readReportSubmission(values({ value: "101" }), activity(), none, today)).toEqual({
      ok: false,
      errors: { [REPORT_BLOCK.value]: expect.any(String) },
    });
    expect(readReportSubmission(values({ status: "bloccata" }), activity(), none, today)).toEqual({
      ok: false,
      errors: { [REPORT_BLOCK.note]: "Scrivi il motivo del blocco." },
    });
    expect(readReportSubmission(values({ status: "completata", date: "2024-10-08" }), activity(), none, today)).toEqual(
      { ok: false, errors: { [REPORT_BLOCK.date]: expect.stringContaining("futuro") } },
    );
    expect(readReportSubmission(values({ evidence: "https://nodot" }), activity(), none, today)).toEqual({
      ok: false,
      errors: { [REPORT_BLOCK.evidence]: expect.stringContaining("link") },
    });
    expect(readReportSubmission(values({}), activity(), none, today)).toEqual({
      ok: false,
      errors: { [REPORT_BLOCK.status]: expect.stringContaining("Non hai cambiato niente") },
    });
  });

  it("an act number is evidence as much as a link", () => {
    expect(
      readReportSubmission(values({ evidence: "Delibera G.C. n. 45 del 12/03/2024" }), activity(), none, today),
    ).toMatchObject({ ok: true, report: { kind: "note", evidence: "Delibera G.C. n. 45 del 12/03/2024" } });
  });
});
