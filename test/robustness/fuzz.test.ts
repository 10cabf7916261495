import { readFileSync } from "node:fs";
import { parse as parseCsv } from "csv-parse/sync";
import { stringify as stringifyCsv } from "csv-stringify/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixedClock } from "../../src/clock.ts";
import { ConsoleSession } from "../../src/console/console.ts";
import { ChangeBus } from "../../src/app/events.ts";
import { loadEnv } from "../../src/env.ts";
import { GENERIC_ERROR_MESSAGE, UserError } from "../../src/errors.ts";
import { createLogger } from "../../src/logger.ts";
import { importParsedPlan, importPlanFile, parsePlanSource } from "../../src/plan-import/import-plan.ts";
import { exportPlanCsv } from "../../src/plan-import/plan-csv.ts";
import { AS_ADOPTED } from "../../src/domain/plan/in-force.ts";
import { loadPlanInForceAsDocument } from "../../src/store/stored-plan.ts";
import { handleStato } from "../../src/slack/handlers.ts";
import type { AppDeps } from "../../src/slack/deps.ts";
import { DELAY_FIELDS } from "../../src/slack/ui/delay-modal.ts";
import { ACTION, VIEW } from "../../src/slack/ui/ids.ts";
import { REPORT_BLOCK, REPORT_ELEMENT } from "../../src/slack/ui/report-modal.ts";
import { LEGGIUNO_PLAN, testDatabase } from "../helpers/db.ts";
import { startFakeSlack, type FakeSlack } from "../helpers/fake-slack.ts";
import {
  blockActionBody,
  newTriggerId,
  slashCommandBody,
  startTestApp,
  viewSubmissionBody,
  type TestApp,
  type ViewStateValues,
} from "../helpers/slack-http.ts";
import { intBetween, pick, seededRandom } from "./helpers/random.ts";

/**
 * Every text the app parses, fuzzed with a seeded generator (a failure names a
 * reproducible input): /stato texts, console lines, button values, the fields of the report
 * and delay modals, and plan documents (CSV exports and the PIAO text) mutated. Each must
 * give a valid result or a UserError in Italian: never a crash, a stack trace, or the
 * generic apology (which means an unexpected error). /obiettivo texts have their own fuzz
 * (test/slack/fuzz.test.ts).
 */

const TODAY = "2024-10-07";
const SEG = "U0FUZSEG1";
const TEC = "U0FUZTEC1"; // area 03
const NOBODY = "U0FUZNONE";

/** A stack frame, an exception name or a JS-ism leaking into a text meant for people. */
const LEAK =
  /\n\s+at\s|\bat [\w$.<>]+ \(|\b(TypeError|ReferenceError|RangeError|SyntaxError|PrismaClient\w*Error)\b|\bundefined\b|\[object Object\]|\bNaN\b|Cannot read prop|is not a function|SQLITE_/;
/** Words no Italian sentence of ours lacks. */
const ITALIAN =
  /\b(il|lo|la|le|gli|un|una|di|del|della|dei|delle|non|per|che|con|nel|nella|è|sono|tra|oppure|atteso|attesa|piano|attività|scrivi|scegli|indica|riga|file|massimo|almeno|caratteri|data|giorno|oggi|futuro|numero|valore|codice|anno|area|campo|testo|esempio)\b/i;

function expectUserText(text: unknown, input: unknown): void {
  const where = `input: ${JSON.stringify(input).slice(0, 300)}`;
  expect(typeof text, where).toBe("string");
  const s = text as string;
  expect(s.trim().length, where).toBeGreaterThan(0);
  expect(s, where).not.toMatch(LEAK);
  // The generic apology means an error nobody foresaw: the failure says which, from the log.
  if (s.includes(GENERIC_ERROR_MESSAGE))
    expect.fail(`${where}\nrisposta generica; errori nel log: ${unexpected().slice(-3).join("\n")}`);
  expect(s, where).toMatch(ITALIAN);
}

// --- generators -----------------------------------------------------------------------

const HOSTILE = [
  "",
  " ",
  "\t\n\r",
  "\u0000\u0001\u001f\u007f",
  '\'; DROP TABLE "Report"; --',
  '" OR 1=1 --',
  "<!channel> <!here> <@U0123> <#C0123|generale>",
  "<script>alert(1)</script>",
  "${process.exit(1)}",
  "__proto__",
  "constructor",
  '{"__proto__":{"admin":true}}',
  "%s%s%s%n",
  "\u202e\u202d\u200b\ufeff",
  "🙂🔥💥👩‍👩‍👧‍👦",
  "ＴＥＣＮＩＣＡ",
  "a".repeat(5_000),
  "3".repeat(400),
  "3.".repeat(200),
  "-1",
  "1e309",
  "0x10",
  "9007199254740993",
];
const WORDS = [
  "03",
  "3",
  "04",
  "01",
  "5",
  "ente",
  "tutte",
  "aree",
  "tecnico",
  "tecnica",
  "manutentiva",
  "polizia",
  "locale",
  "affari",
  "generali",
  "servizi",
  "sociali",
  "economico",
  "finanziaria",
  "area",
  "2024",
  "2023",
  "1999",
  "2100",
  "anno",
  "3.1.2",
  "3.1",
  "E5",
  "E5.1",
  "completato",
  "60%",
  "+1",
  "=",
  "storia",
  "aiuto",
  "nota",
  "il",
  "del",
  "—",
  "«",
  "»",
  "'",
  '"',
  ";",
  ",",
  "/",
  "\\",
  "*",
  "_",
  "~",
];
// Lone surrogates (half an emoji) have a test of their own below.
const CHARS = [
  "a",
  "é",
  "ß",
  "Ω",
  "中",
  "🙂",
  "\u0000",
  "\n",
  "\t",
  " ",
  "%",
  "&",
  "<",
  ">",
  "=",
  "+",
  "-",
  ".",
  ",",
  "0",
  "9",
];

function randomText(r: () => number): string {
  const kind = intBetween(r, 0, 4);
  if (kind === 0) return pick(r, HOSTILE);
  if (kind === 1)
    return Array.from({ length: intBetween(r, 1, 6) }, () => pick(r, WORDS)).join(pick(r, [" ", "  ", "\t", ",", "-"]));
  if (kind === 2) return Array.from({ length: intBetween(r, 1, 40) }, () => pick(r, CHARS)).join("");
  if (kind === 3) return `${pick(r, WORDS)} ${pick(r, HOSTILE)} ${pick(r, WORDS)}`;
  return pick(r, WORDS).toUpperCase();
}

/** A random JSON-ish value for button values and private metadata. */
function randomValue(r: () => number): string {
  const shapes: (() => unknown)[] = [
    () => ({ year: 2024, code: pick(r, ["3.1.2", "3.1.4", "", "9.9.9", "E5.1", "1.2.1", "a".repeat(100)]) }),
    () => ({
      year: pick(r, [2024, 2023, -1, 0, 1e12, "2024", null, 2024.5]),
      code: pick(r, ["3.1.2", 312, null, ["3.1.2"], { $ne: 1 }]),
    }),
    () => ({ reportId: pick(r, [1, 0, -1, 1e20, "1", null, 2.5, 999_999]) }),
    () => ({ year: 2024, code: "3.1.3", rest: randomText(r) }),
    () => ({ scope: pick(r, ["all", "ente", "03", { kind: "area", code: "03" }, null, "' OR 1=1"]), year: 2024 }),
    () => randomText(r),
    () => null,
    () => [1, 2, 3],
  ];
  const v = pick(r, shapes)();
  return typeof v === "string" && r() < 0.5 ? v : JSON.stringify(v);
}

/** Mutations of a document: what a bad export, a copy-paste or a broken upload does to it. */
function mutateDocument(r: () => number, text: string): string {
  let out = text;
  const ops = intBetween(r, 1, 4);
  for (let i = 0; i < ops; i++) {
    const lines = out.split("\n");
    switch (intBetween(r, 0, 9)) {
      case 0: // truncated
        out = out.slice(0, intBetween(r, 0, out.length));
        break;
      case 1: {
        // lines shuffled in a window
        const a = intBetween(r, 0, lines.length - 1);
        const b = Math.min(lines.length, a + intBetween(r, 2, 60));
        const window = lines.slice(a, b).sort(() => r() - 0.5);
        out = [...lines.slice(0, a), ...window, ...lines.slice(b)].join("\n");
        break;
      }
      case 2: {
        // random bytes spliced in
        const at = intBetween(r, 0, out.length);
        const junk = Array.from({ length: intBetween(r, 1, 64) }, () =>
          String.fromCharCode(intBetween(r, 0, 0xffff)),
        ).join("");
        out = out.slice(0, at) + junk + out.slice(at);
        break;
      }
      case 3: // lines deleted
        out = lines.filter(() => r() > 0.15).join("\n");
        break;
      case 4: {
        // a block duplicated
        const a = intBetween(r, 0, lines.length - 1);
        const block = lines.slice(a, a + intBetween(r, 1, 30));
        out = [...lines.slice(0, a), ...block, ...block, ...lines.slice(a)].join("\n");
        break;
      }
      case 5: // separators mangled
        out = out.replace(/[\t;]/g, () => pick(r, ["\t", ";", ",", " ", "", "\t\t", ";;"]));
        break;
      case 6: // quotes unbalanced
        out = out.replace(/"/g, () => (r() < 0.3 ? "" : '"')).replace(/\n/g, () => (r() < 0.02 ? '\n"' : "\n"));
        break;
      case 7: // numbers and dates garbled
        out = out.replace(/\d/g, (d) => (r() < 0.1 ? pick(r, ["", "0", "99", "-", "x", "3.1"]) : d));
        break;
      case 8: // cells swapped
        out = lines
          .map((l) => {
            if (r() > 0.2) return l;
            const sep = l.includes("\t") ? "\t" : ";";
            return l
              .split(sep)
              .sort(() => r() - 0.5)
              .join(sep);
          })
          .join("\n");
        break;
      default: // line endings and encoding noise
        out = out
          .replace(/\n/g, () => pick(r, ["\n", "\r\n", "\r", "\n\n"]))
          .replace(/à|è|é|ò/g, () => pick(r, ["Ã ", "\ufffd", "a'", "à"]));
    }
  }
  return out;
}

// --- fixtures ---------------------------------------------------------------------------

let database: Awaited<ReturnType<typeof testDatabase>>;
let deps: AppDeps;
const logged: string[] = [];
const unexpected = () => logged.filter((l) => (JSON.parse(l) as { level: number }).level >= 50);

beforeAll(async () => {
  database = await testDatabase();
  await importPlanFile(database.db, LEGGIUNO_PLAN, { actor: "test", now: new Date("2024-01-15T10:00:00Z") });
  const at = new Date("2024-01-15T10:00:00Z");
  await database.db.user.create({ data: { slackUserId: SEG, role: "segretario", createdAt: at } });
  await database.db.user.create({
    data: { slackUserId: TEC, role: "dipendente", createdAt: at, areas: { create: [{ areaCode: "03" }] } },
  });
  const env = loadEnv({ LOG_LEVEL: "warn" });
  const log = createLogger("warn", [], { write: (line: string) => void logged.push(line) });
  deps = { db: database.db, clock: fixedClock(TODAY), log, env };
});

afterAll(async () => {
  await database?.dispose();
});

describe("fuzzing every text the app parses", () => {
  it("/stato: 1,000 random texts, by a registered and an unknown user", async () => {
    const r = seededRandom(1);
    for (let i = 0; i < 1_000; i++) {
      const text = randomText(r);
      const reply = await handleStato(deps, { userId: i % 10 === 0 ? NOBODY : SEG, text });
      expectUserText(reply.text, text);
      expect(Array.isArray(reply.blocks)).toBe(true);
    }
    expect(unexpected()).toEqual([]);
  });

  it("the local console: 600 random lines", async () => {
    const r = seededRandom(2);
    const session = new ConsoleSession({ ...deps, changes: new ChangeBus() });
    await session.ensureDemoUser();
    const reportsBefore = await database.db.report.count();
    let outputs = 0;
    for (let i = 0; i < 600; i++) {
      const prefix = pick(r, ["", "/stato ", "stato ", "premi ", "utente ", "/obiettivo ", "utenti ", "aiuto "]);
      const line = prefix + randomText(r);
      if (/^\s*(esci|exit|quit|\/esci)\s*$/i.test(line)) continue;
      const { output } = await session.handle(line);
      if (line.trim() === "") continue;
      outputs++;
      expect(output, JSON.stringify(line)).not.toMatch(LEAK);
      expect(output).not.toContain(GENERIC_ERROR_MESSAGE);
      expect(output.trim().length).toBeGreaterThan(0);
    }
    expect(outputs).toBeGreaterThan(500);
    // Random /obiettivo lines may record (the demo user is a Segretario): each one valid.
    const reports = await database.db.report.findMany({ where: { id: { gt: reportsBefore } } });
    for (const rep of reports) {
      expect(rep.occurredOn <= TODAY).toBe(true);
      if (rep.kind === "percent") expect(rep.value! >= 0 && rep.value! <= 100).toBe(true);
    }
    expect(unexpected()).toEqual([]);
  });

  it("CSV export of the plan, mutated 300 times: a plan or an Italian UserError, and the import holds", async () => {
    const csv = exportPlanCsv(await loadPlanInForceAsDocument(database.db, undefined, AS_ADOPTED));
    await checkDocuments(csv, "piano.csv", 300, 3);
  });

  it("a CSV that lists the same activity twice is refused in Italian before anything is written", async () => {
    const csv = exportPlanCsv(await loadPlanInForceAsDocument(database.db, undefined, AS_ADOPTED));
    const records = parseCsv(csv, { columns: true, delimiter: ";", bom: true }) as Record<string, string>[];
    const activity = records.find((r) => r.tipo === "attivita")!;
    const doubled = stringifyCsv([...records, { ...activity, titolo_attivita: "La stessa attività, di nuovo" }], {
      header: true,
      delimiter: ";",
    });
    expect(() => parsePlanSource(csv, "piano.csv")).not.toThrow();
    const db = await testDatabase();
    try {
      let error: unknown;
      try {
        await importParsedPlan(db.db, parsePlanSource(doubled, "doppio.csv"), {
          actor: "fuzz",
          now: new Date("2024-01-15T10:00:00Z"),
        });
      } catch (e) {
        error = e;
      }
      expect(error, "a duplicated activity code must be a UserError, not a database constraint error").toBeInstanceOf(
        UserError,
      );
      expectUserText((error as Error).message, "doppio.csv");
      expect(await db.db.activity.count()).toBe(0);
    } finally {
      await db.dispose();
    }
  });

  it("the PIAO text of Leggiuno, mutated 300 times: a plan or an Italian UserError, and the import holds", async () => {
    const text = readFileSync(LEGGIUNO_PLAN, "utf8");
    await checkDocuments(text, "piano.txt", 300, 4);
  });
});

async function checkDocuments(original: string, name: string, count: number, seed: number): Promise<void> {
  const r = seededRandom(seed);
  let parsed = 0;
  let refused = 0;
  const toImport: ReturnType<typeof parsePlanSource>[] = [];
  for (let i = 0; i < count; i++) {
    const text = mutateDocument(r, original);
    let plan: ReturnType<typeof parsePlanSource> | undefined;
    try {
      plan = parsePlanSource(text, name);
    } catch (e) {
      expect(e, `mutation ${i} threw a ${(e as Error)?.name}: ${(e as Error)?.message}`).toBeInstanceOf(UserError);
      expectUserText((e as Error).message, `mutation ${i}`);
      refused++;
      continue;
    }
    parsed++;
    expect(plan.activities.length).toBeGreaterThan(0);
    for (const a of plan.anomalies) expectUserText(a.message, `anomaly of mutation ${i}`);
    if (toImport.length < 8 && r() < 0.3) toImport.push(plan);
  }
  expect(parsed + refused).toBe(count);
  expect(parsed).toBeGreaterThan(0);
  expect(refused).toBeGreaterThan(0);
  // A parsed plan must also import (or be refused in Italian): on a database of its own.
  for (const plan of toImport) {
    const db = await testDatabase();
    try {
      await importParsedPlan(db.db, plan, { actor: "fuzz", now: new Date("2024-01-15T10:00:00Z") });
      const check = await db.db.$queryRawUnsafe<{ integrity_check: string }[]>("PRAGMA integrity_check");
      expect(check[0]!.integrity_check).toBe("ok");
    } catch (e) {
      expect(e).toBeInstanceOf(UserError);
      expectUserText((e as Error).message, "import");
    } finally {
      await db.dispose();
    }
  }
}

describe("fuzzing what arrives over HTTP", () => {
  let fake: FakeSlack;
  let t: TestApp;

  beforeAll(async () => {
    fake = await startFakeSlack();
    t = await startTestApp({ db: database.db, clock: fixedClock(TODAY), fake, log: deps.log });
  });

  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });

  const replyTexts = (id: string) => fake.responsesTo(id).map((x) => String((x.body as { text?: unknown }).text ?? ""));

  it("/stato and button values: 60 texts and 180 values, each answered in Italian", async () => {
    const r = seededRandom(5);
    for (let i = 0; i < 60; i++) {
      const id = `st${i}`;
      const text = randomText(r);
      const res = await t.send(
        slashCommandBody({ command: "/stato", text, userId: i % 2 ? SEG : TEC, responseUrl: fake.responseUrl(id) }),
      );
      expect(res.status).toBe(200);
      await t.idle();
      const replies = replyTexts(id);
      expect(replies.length, text).toBeGreaterThan(0);
      for (const x of replies) expectUserText(x, text);
    }
    const actions = [
      ACTION.activityComplete,
      ACTION.activityUpdate,
      ACTION.reportUndo,
      ACTION.chooseActivity,
      ACTION.delayExplain,
      ACTION.shareStatus,
    ];
    for (let i = 0; i < 180; i++) {
      const id = `bt${i}`;
      const value = randomValue(r);
      const res = await t.send(
        blockActionBody({
          userId: pick(r, [SEG, TEC, NOBODY]),
          actionId: actions[i % actions.length]!,
          value,
          responseUrl: fake.responseUrl(id),
          triggerId: newTriggerId(),
        }),
      );
      expect(res.status).toBe(200);
      await t.idle();
      for (const x of replyTexts(id)) expectUserText(x, value);
    }
    expect(unexpected()).toEqual([]);
  });

  it("report and delay modals: 240 submissions of random field values, refused on the form or stored valid", async () => {
    const r = seededRandom(6);
    const before = await database.db.report.count();
    const beforeDelays = await database.db.delayExplanation.count();
    const anyDate = () =>
      pick(r, [
        null,
        TODAY,
        "2024-09-30",
        "2024-12-01",
        "2023-01-01",
        "2024-02-30",
        "oggi",
        "",
        "9999-99-99",
        "2024-10-07T10:00",
      ]);
    let accepted = 0;
    for (let i = 0; i < 240; i++) {
      const userId = pick(r, [SEG, TEC, TEC, NOBODY]);
      const code = pick(r, ["3.2.1", "3.3.3", "3.1.2", "3.1.6", "4.4.2", "E1.1", "3.1.4", "9.9.9"]);
      let res;
      let input: unknown;
      if (i % 3 === 2) {
        const values: ViewStateValues = {
          [DELAY_FIELDS.cause.block]: {
            [DELAY_FIELDS.cause.action]: {
              type: "static_select",
              selected_option:
                r() < 0.8
                  ? { value: pick(r, ["carenza_personale", "altro", "ritardo_altri_enti", randomText(r)]) }
                  : null,
            },
          },
          [DELAY_FIELDS.explanation.block]: {
            [DELAY_FIELDS.explanation.action]: { type: "plain_text_input", value: r() < 0.8 ? randomText(r) : null },
          },
          [DELAY_FIELDS.correctiveAction.block]: {
            [DELAY_FIELDS.correctiveAction.action]: {
              type: "plain_text_input",
              value: r() < 0.5 ? randomText(r) : null,
            },
          },
          [DELAY_FIELDS.newExpectedDate.block]: {
            [DELAY_FIELDS.newExpectedDate.action]: { type: "datepicker", selected_date: anyDate() },
          },
        };
        const meta =
          r() < 0.85 ? JSON.stringify({ year: 2024, code: pick(r, ["3.1.4", "3.3.1", code]) }) : randomValue(r);
        input = { meta, values };
        res = await t.send(
          viewSubmissionBody({ userId, callbackId: VIEW.delayExplanation, privateMetadata: meta, values }),
        );
      } else {
        const values: ViewStateValues = {
          [REPORT_BLOCK.status]: {
            [REPORT_ELEMENT.status]: {
              type: "static_select",
              selected_option:
                r() < 0.8
                  ? { value: pick(r, ["in_corso", "completata", "bloccata", "non_iniziata", randomText(r)]) }
                  : null,
            },
          },
          [REPORT_BLOCK.value]: {
            [REPORT_ELEMENT.value]: {
              type: "plain_text_input",
              value:
                r() < 0.7
                  ? pick(r, [String(intBetween(r, -50, 250)), "60%", "1,5", "1.000,50", "sì", "no", randomText(r)])
                  : null,
            },
          },
          [REPORT_BLOCK.date]: { [REPORT_ELEMENT.date]: { type: "datepicker", selected_date: anyDate() } },
          [REPORT_BLOCK.note]: {
            [REPORT_ELEMENT.note]: { type: "plain_text_input", value: r() < 0.6 ? randomText(r) : null },
          },
          [REPORT_BLOCK.evidence]: {
            [REPORT_ELEMENT.evidence]: {
              type: "plain_text_input",
              value:
                r() < 0.4
                  ? pick(r, ["Determina n. 12", "https://comune.example/atto", "http//x", randomText(r)])
                  : null,
            },
          },
        };
        const meta = r() < 0.85 ? JSON.stringify({ year: pick(r, [2024, 2024, 2023]), code }) : randomValue(r);
        input = { meta, values };
        res = await t.send(viewSubmissionBody({ userId, callbackId: VIEW.report, privateMetadata: meta, values }));
      }
      expect(res.status, JSON.stringify(input)).toBe(200);
      const ack = res.json as { response_action?: string; errors?: Record<string, string>; view?: unknown } | undefined;
      if (!ack) {
        accepted++;
      } else if (ack.response_action === "errors") {
        for (const message of Object.values(ack.errors ?? {})) expectUserText(message, input);
      } else {
        expect(ack.response_action, JSON.stringify(input)).toBe("update");
        expect(JSON.stringify(ack.view)).not.toMatch(LEAK);
        expect(JSON.stringify(ack.view)).not.toContain(GENERIC_ERROR_MESSAGE);
      }
    }
    await t.idle();
    expect(accepted).toBeGreaterThan(0);
    expect(accepted).toBeLessThan(240);
    // What got through is valid data.
    const stored = await database.db.report.findMany({ where: { id: { gt: before } } });
    expect(stored.length).toBeLessThanOrEqual(accepted);
    for (const rep of stored) {
      expect(rep.occurredOn <= TODAY, JSON.stringify(rep)).toBe(true);
      expect(/^\d{4}-\d{2}-\d{2}$/.test(rep.occurredOn)).toBe(true);
      if (rep.kind === "percent") expect(rep.value! >= 0 && rep.value! <= 100, JSON.stringify(rep)).toBe(true);
      if (rep.status) expect(["non_iniziata", "in_corso", "completata", "bloccata"]).toContain(rep.status);
    }
    const delays = await database.db.delayExplanation.findMany();
    expect(delays.length).toBeGreaterThanOrEqual(beforeDelays);
    for (const d of delays) {
      expect(d.explanation.trim().length).toBeGreaterThan(0);
      if (d.newExpectedDate) expect(d.newExpectedDate >= TODAY).toBe(true);
    }
    expect(unexpected()).toEqual([]);
  });

  it("half an emoji (a lone surrogate, as a client cutting text at a length limit may send) in a modal note: stored or refused, never the generic error", async () => {
    const before = unexpected().length;
    const res = await t.send(
      viewSubmissionBody({
        userId: TEC,
        callbackId: VIEW.report,
        privateMetadata: JSON.stringify({ year: 2024, code: "3.2.1" }),
        values: {
          [REPORT_BLOCK.status]: {
            [REPORT_ELEMENT.status]: { type: "static_select", selected_option: { value: "in_corso" } },
          },
          [REPORT_BLOCK.value]: { [REPORT_ELEMENT.value]: { type: "plain_text_input", value: "40" } },
          [REPORT_BLOCK.date]: { [REPORT_ELEMENT.date]: { type: "datepicker", selected_date: null } },
          [REPORT_BLOCK.note]: {
            [REPORT_ELEMENT.note]: { type: "plain_text_input", value: "sopralluogo fatto \ud83d" },
          },
          [REPORT_BLOCK.evidence]: { [REPORT_ELEMENT.evidence]: { type: "plain_text_input", value: null } },
        },
      }),
    );
    await t.idle();
    expect(res.status).toBe(200);
    const ack = res.json as { response_action?: string; errors?: Record<string, string> } | undefined;
    for (const message of Object.values(ack?.errors ?? {})) expectUserText(message, "lone surrogate");
    expect(unexpected().slice(before)).toEqual([]);
  });
});
