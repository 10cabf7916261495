import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixedClock } from "../../src/clock.ts";
import { loadEnv } from "../../src/env.ts";
import { createLogger } from "../../src/logger.ts";
import { importPlanFile } from "../../src/plan-import/import-plan.ts";
import { handleObiettivo, type ObiettivoDeps, type Outcome } from "../../src/slack/handlers.ts";
import { LEGGIUNO_PLAN, testDatabase } from "../helpers/db.ts";

/**
 * At least 10,000 random and hostile texts through the real /obiettivo handler: each gets a
 * clear Italian reply, nothing throws, no stack trace leaks, nothing is written for garbage.
 * Deterministic: a seeded generator, so a failure names a reproducible input.
 */

const USER = "U0FUZZ001";
let database: Awaited<ReturnType<typeof testDatabase>>;
let deps: ObiettivoDeps;
const logged: string[] = [];

beforeAll(async () => {
  database = await testDatabase();
  await importPlanFile(database.db, LEGGIUNO_PLAN, { actor: "test", now: new Date("2024-01-15T10:00:00Z") });
  await database.db.user.create({
    data: {
      slackUserId: USER,
      role: "dipendente",
      createdAt: new Date("2024-01-15T10:00:00Z"),
      areas: { create: [{ areaCode: "03" }] },
    },
  });
  const env = loadEnv({ LOG_LEVEL: "error" });
  // Unexpected errors are logged, never shown: collect them to fail on any.
  const log = createLogger("error", [], { write: (line: string) => void logged.push(line) });
  deps = { db: database.db, clock: fixedClock("2024-10-07"), log, env };
});

afterAll(async () => {
  await database.dispose();
});

/** mulberry32: small, seeded, good enough to spread inputs. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HOSTILE = [
  "",
  " ",
  "\t\n\r",
  "\u0000",
  "\u0000\u0001\u0002\u001f\u007f",
  '\'; DROP TABLE "Report"; --',
  '" OR 1=1 --',
  "3.1.2'; DELETE FROM Progress; --",
  "<script>alert(1)</script>",
  "<!channel> <!here> <@U0123> <#C0123|generale>",
  "&lt;!channel&gt;",
  "${process.exit(1)}",
  "{{constructor.constructor('return process')()}}",
  "__proto__",
  "constructor",
  '{"__proto__":{"admin":true}}',
  "../../../../etc/passwd",
  "%s%s%s%n%x",
  "\\u0000\\x00",
  "((((((((((((((((((((((((((((((a",
  `${"a".repeat(30_000)}!`,
  `3.1.2 ${"9".repeat(10_000)}%`,
  `3.1.2 +${"9".repeat(500)}`,
  "3.1.2 = 1e308",
  "3.1.2 = -0",
  "3.1.2 = NaN",
  "3.1.2 Infinity%",
  "3.1.2 1e2%",
  "3.1.2 0x10%",
  "3.1.2 completato il 99/99/9999",
  "3.1.2 completato il 00/00/0000",
  "3.1.2 completato il 29/02/2023",
  "3.1.2 completato il -1/-1/-1",
  "9".repeat(5000),
  "1.".repeat(2000),
  "3.1.2\u202Eotatelpmoc",
  "3.1.2 \uD800",
  "\uDFFF\uD800",
  "🎉🎉🎉",
  "３．１．２",
  "ﷺ".repeat(1000),
  "Z̴̢̛͔̜̗̻̙̪̼̳͚̠͎͗̍͌̅̌͋̽̽̏̐͐͘͝a̷͚̔l̵̨̥̠̗̇̉g̴̣̾o̵̧̊",
  "E".repeat(100),
  "storia",
  "completato",
  "60%",
  "+1",
  "= 5",
  "bloccato",
  "nota",
  "aiuto aiuto",
  "3.1.2 storia storia",
];

const ALPHABETS = [
  "abcdefghijklmnopqrstuvwxyz",
  "0123456789.,+-=%/ ",
  "àèéìòùÀÈÉ çñß",
  "!@#$%^&*()[]{}<>?/\\|`~'\";:",
  "\u0000\u0001\u0007\u0008\u000b\u000c\u001b\u007f\u0085\u2028\u2029",
  "\u200b\u200c\u200d\u2060\ufeff\u00ad\u00a0\u2007\u202f",
  "日本語中文한국어العربيةעברית",
  "😀🎉👍🏽🇮🇹",
];

/** Keywords and codes mixed with noise: close enough to the grammar to reach its deeper branches. */
const PIECES = [
  "completato",
  "fatto",
  "il",
  "in",
  "corso",
  "bloccato",
  "nota",
  "storia",
  "%",
  "+",
  "=",
  "oggi",
  "ieri",
  "12/03/2024",
  "31/02/2024",
  "3.1",
  "0",
  "100",
  "-",
];

function randomText(next: () => number): string {
  const mode = Math.floor(next() * 4);
  // Empty texts open the picker (a database read): the hostile list has them, random ones are never empty.
  const len = 1 + Math.floor(next() ** 3 * 400);
  if (mode === 0) {
    let s = "";
    for (let i = 0; i < len; i++) s += String.fromCodePoint(Math.floor(next() * 0x10ffff) % 0xd800);
    return s;
  }
  if (mode === 1) {
    let s = "";
    for (let i = 0; i < len; i++) {
      const alphabet = ALPHABETS[Math.floor(next() * ALPHABETS.length)]!;
      s += [...alphabet][Math.floor(next() * [...alphabet].length)];
    }
    return s;
  }
  // Garbage first word, then grammar pieces: never a valid code, so never a valid command.
  const words = [`x${Math.floor(next() * 1000)}`];
  const n = Math.floor(next() * 6);
  for (let i = 0; i < n; i++) words.push(PIECES[Math.floor(next() * PIECES.length)]!);
  return mode === 2 ? words.join(" ") : words.join(next() < 0.5 ? "\t" : "  ");
}

/**
 * What is wrong with an answer (empty when it is a well-formed Italian reply within Slack's
 * limits, with no internals). Plain checks, not `expect`: 10,000 inputs would pay for a
 * stack capture per assertion.
 */
function problemsOf(o: Outcome): string[] {
  const problems: string[] = [];
  const text = o.kind === "message" ? o.message.text : o.text;
  if (typeof text !== "string" || text.trim().length === 0) return ["no text"];
  if (text.length > 4000) problems.push(`text of ${text.length} characters`);
  if (
    !/attivit|codice|obiettivo|Scrivi|Non |troppo|Registrato|Modulo|numero|percentuale|data|motivo|nota|Come si usa/i.test(
      text,
    )
  ) {
    problems.push(`not a recognisable Italian reply: ${text.slice(0, 120)}`);
  }
  // What the user typed may be quoted back «like this»; everything else must be ours.
  const ours = text.replace(/«[^»]*»/g, "«»");
  if (/\bat \S+:\d+:\d+|TypeError|ReferenceError|PrismaClient|undefined|NaN|\[object Object\]|Infinity/.test(ours)) {
    problems.push(`internals leaked: ${ours.slice(0, 200)}`);
  }
  if (o.kind === "message") {
    if (o.message.blocks.length > 50) problems.push("more than 50 blocks");
    for (const b of o.message.blocks as { text?: { text: string } }[]) {
      if (b.text && b.text.text.length > 3000) problems.push("a section over 3000 characters");
    }
  }
  return problems;
}

async function probe(text: string, triggerId: string, failures: string[]): Promise<void> {
  try {
    const outcome = await handleObiettivo(deps, { userId: USER, text, triggerId });
    for (const p of problemsOf(outcome)) failures.push(`${JSON.stringify(text.slice(0, 80))}: ${p}`);
  } catch (e) {
    failures.push(`${JSON.stringify(text.slice(0, 80))}: threw ${String(e)}`);
  }
}

describe("fuzz: hostile and random /obiettivo texts", () => {
  it("answers every one of >= 10,000 inputs in Italian, throws nothing, writes nothing", async () => {
    const next = rng(20241007);
    const inputs = [...HOSTILE];
    while (inputs.length < 10_500) inputs.push(randomText(next));

    const failures: string[] = [];
    for (const [i, text] of inputs.entries()) await probe(text, `fuzz-${i}`, failures);
    expect(inputs.length).toBeGreaterThanOrEqual(10_000);
    expect(failures.slice(0, 20)).toEqual([]);
    expect(await database.db.report.count()).toBe(0);
    expect(await database.db.progress.count()).toBe(0);
    expect(await database.db.auditEntry.count({ where: { action: { in: ["report", "report_undo"] } } })).toBe(0);
    expect(logged, "no unexpected error was logged").toEqual([]);
  }, 120_000);

  it("valid codes followed by random tails either record a clear report or explain, never throw", async () => {
    const next = rng(7);
    const codes = ["3.1.2", "3.3.2", "E1.1", "1.2.1", "3.1", "4.4.1"];
    const failures: string[] = [];
    for (let i = 0; i < 600; i++) {
      const tail = randomText(next).replace(/^x\d+/, PIECES[Math.floor(next() * PIECES.length)]!);
      await probe(`${codes[i % codes.length]} ${tail}`, `tail-${i}`, failures);
    }
    expect(failures.slice(0, 20)).toEqual([]);
    expect(logged).toEqual([]);
  }, 60_000);
});
