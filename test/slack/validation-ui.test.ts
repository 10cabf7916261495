import { describe, expect, it } from "vitest";
import type { ActivityInfo } from "../../src/domain/plan/activity.ts";
import { deriveProgress } from "../../src/domain/progress/progress.ts";
import { parseScoringConfig } from "../../src/domain/scoring/config.ts";
import type { ValidationInput } from "../../src/domain/validation/input.ts";
import { buildValidationPack } from "../../src/domain/validation/pack.ts";
import { ACTION, VIEW } from "../../src/slack/ui/ids.ts";
import {
  readReportSubmission,
  REPORT_BLOCK,
  REPORT_ELEMENT,
  reportModal,
  type ViewValues,
} from "../../src/slack/ui/report-modal.ts";
import { reportRecordedMessage } from "../../src/slack/ui/report-reply.ts";
import { evidenceModal, findingModal, homeSampleBlocks, HOME_SAMPLE_SHOWN } from "../../src/slack/ui/validation.ts";

/** The validation's Block Kit builders, pure: what they show and what the form reads back. */

const percentActivity: ActivityInfo = {
  id: 1,
  year: 2024,
  code: "5.1.1",
  printedCode: "5.1.1",
  title: "Pratiche evase",
  objectiveCode: "5.1",
  objectiveTitle: "SERVIZI SOCIALI",
  areaCode: "05",
  areaName: "Area Servizi Sociali",
  indicatorName: "% pratiche evase",
  indicatorIndex: "%",
  targetText: "100%",
  targetKind: "percentage",
  threshold: 100,
  comparator: null,
  period: null,
  unit: null,
  deadline: null,
  needsManualDate: false,
  position: 1,
};
const none = deriveProgress([], { targetKind: "percentage", period: null });
const today = "2024-10-07";

function form(v: { value?: string; numerator?: string; denominator?: string; source?: string }): ViewValues {
  const input = (value: string | undefined) => ({ type: "plain_text_input", value: value ?? null });
  return {
    [REPORT_BLOCK.status]: {
      [REPORT_ELEMENT.status]: { type: "static_select", selected_option: { value: "non_iniziata" } },
    },
    [REPORT_BLOCK.value]: { [REPORT_ELEMENT.value]: input(v.value) },
    [REPORT_BLOCK.numerator]: { [REPORT_ELEMENT.numerator]: input(v.numerator) },
    [REPORT_BLOCK.denominator]: { [REPORT_ELEMENT.denominator]: input(v.denominator) },
    [REPORT_BLOCK.source]: { [REPORT_ELEMENT.source]: input(v.source) },
  };
}

describe("counts in the report form", () => {
  it("only percentage indicators ask for numerator, denominator and source", () => {
    const ids = (a: ActivityInfo) =>
      reportModal({ activity: a, progress: none, today, meta: { year: 2024 } }).blocks.map((b) => b.block_id);
    expect(ids(percentActivity)).toEqual(
      expect.arrayContaining([REPORT_BLOCK.numerator, REPORT_BLOCK.denominator, REPORT_BLOCK.source]),
    );
    expect(ids({ ...percentActivity, targetKind: "deadline" })).not.toContain(REPORT_BLOCK.numerator);
  });

  it("counts make the percentage, whatever was typed in the percentage field", () => {
    const r = readReportSubmission(
      form({ value: "10", numerator: "45", denominator: "47", source: "protocollo" }),
      percentActivity,
      none,
      today,
    );
    expect(r).toEqual({
      ok: true,
      report: {
        kind: "percent",
        status: null,
        value: 95.7,
        occurredOn: null,
        note: null,
        evidence: null,
        numerator: 45,
        denominator: 47,
        valueSource: "protocollo",
      },
    });
  });

  it("errors sit on the field that is wrong", () => {
    expect(
      readReportSubmission(form({ numerator: "48", denominator: "47" }), percentActivity, none, today),
    ).toMatchObject({ ok: false, errors: { [REPORT_BLOCK.numerator]: expect.stringContaining("non può superare") } });
    expect(
      readReportSubmission(form({ numerator: "4", denominator: "0" }), percentActivity, none, today),
    ).toMatchObject({ ok: false, errors: { [REPORT_BLOCK.denominator]: expect.stringContaining("maggiore di zero") } });
    expect(readReportSubmission(form({ numerator: "45" }), percentActivity, none, today)).toMatchObject({
      ok: false,
      errors: { [REPORT_BLOCK.denominator]: expect.any(String) },
    });
    expect(
      readReportSubmission(form({ numerator: "4,5", denominator: "47" }), percentActivity, none, today),
    ).toMatchObject({ ok: false, errors: { [REPORT_BLOCK.numerator]: expect.stringContaining("intero") } });
  });
});

describe("missing evidence in the reply", () => {
  const report = {
    id: 7,
    kind: "status",
    status: "completata",
    value: null,
    occurredOn: today,
    note: null,
    evidence: null,
    createdAt: new Date("2024-10-07T08:00:00Z"),
  };
  const done = { ...none, status: "completata" as const, completedOn: today };

  it("says what is missing and offers «Aggiungi evidenza» for that report", () => {
    const m = reportRecordedMessage({
      activity: percentActivity,
      report,
      progress: done,
      today,
      evidenceNeed: { acts: "determina o link", scoresWithout: false },
    });
    expect(m.text).toContain("Manca l'evidenza: per questa attività serve determina o link");
    expect(m.text).toContain("non conta nel punteggio");
    const buttons = (m.blocks as { elements?: { action_id?: string; value?: string }[] }[])
      .flatMap((b) => b.elements ?? [])
      .filter((e) => e.action_id);
    expect(buttons[0]).toMatchObject({ action_id: ACTION.addEvidence, value: JSON.stringify({ reportId: 7 }) });
  });

  it("no notice and no button when nothing is missing", () => {
    const m = reportRecordedMessage({ activity: percentActivity, report, progress: done, today, evidenceNeed: null });
    expect(m.text).not.toContain("Manca l'evidenza");
    expect(JSON.stringify(m.blocks)).not.toContain(ACTION.addEvidence);
  });

  it("the evidence modal carries the report and says which act is needed", () => {
    const v = evidenceModal(
      { reportId: 7, code: "3.1.2" },
      { code: "3.1.2", title: "Riqualificazione", acts: "determina, delibera, protocollo o link" },
    );
    expect(v.callback_id).toBe(VIEW.evidence);
    expect(JSON.parse(v.private_metadata!)).toEqual({ reportId: 7, code: "3.1.2" });
    expect(JSON.stringify(v.blocks)).toContain("Serve determina, delibera, protocollo o link");
  });
});

describe("the Nucleo's sample in App Home", () => {
  const input = (n: number): ValidationInput => ({
    year: 2024,
    entity: "Comune di Prova",
    asOf: "2025-01-31",
    periodEnd: "2024-12-31",
    generatedAt: new Date("2025-01-31T10:00:00Z"),
    rules: { version: null, createdAt: null, createdBy: null, validFrom: null, act: null },
    lateEntryDays: 30,
    evidenceRules: parseScoringConfig({}).evidence,
    activities: Array.from({ length: n }, (_, i) => ({
      code: `1.1.${i + 1}`,
      title: `Attività ${i + 1}`,
      objectiveCode: "1.1",
      areaCode: "01",
      targetKind: "deadline",
      targetText: "31/12/2024",
      deadline: "2024-12-31",
      deadlineSource: "piano" as const,
      status: "completata",
      completedOn: "2024-12-01",
      scoreState: "valutata" as const,
      scoreRule: "deadline.on_time",
      percent: 100,
      deviation: false,
      deviationCause: null,
      evidence: i % 2 ? [] : [`Det. n. ${i}/2024`],
    })),
    planActivities: [],
    reports: [],
    manualDeadlines: [],
    manualEvaluations: [],
    findings: [
      {
        code: "1.1.1",
        outcome: "non conforme",
        note: "atto non pertinente",
        recordedBy: "U0NDV",
        recordedAt: new Date("2025-01-20T10:00:00Z"),
        origin: "slack_home",
      },
    ],
    names: {},
  });

  it("one section and three buttons per sampled activity, within Slack's limits", () => {
    const pack = buildValidationPack(input(40), {
      size: 30,
      seed: "x",
      codes: Array.from({ length: 30 }, (_, i) => `1.1.${i + 1}`),
    });
    const blocks = homeSampleBlocks(pack);
    const rows = blocks.filter((b) => b.type === "actions");
    expect(rows).toHaveLength(HOME_SAMPLE_SHOWN);
    expect(JSON.stringify(blocks)).toContain("esito: *Non conforme* — «atto non pertinente»");
    expect(JSON.stringify(blocks)).toContain("Sono mostrate 20 attività su 30");
  });

  it("without a sample it says how to draw one", () => {
    expect(JSON.stringify(homeSampleBlocks(null))).toContain("npx obiettivi validazione --campione");
  });

  it("the finding modal starts from the current finding", () => {
    const v = findingModal(
      { year: 2024, code: "1.1.1" },
      { title: "Attività 1", outcome: "non conforme", note: "atto non pertinente" },
    );
    expect(v.callback_id).toBe(VIEW.finding);
    expect(JSON.stringify(v.blocks)).toContain(
      '"initial_option":{"text":{"type":"plain_text","text":"Non conforme","emoji":true},"value":"non conforme"}',
    );
    expect(JSON.stringify(v.blocks)).toContain('"initial_value":"atto non pertinente"');
  });
});
