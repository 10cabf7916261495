import path from "node:path";
import { WebClient } from "@slack/web-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/index.ts";
import type { Clock } from "../../src/clock.ts";
import { isoWeekOf } from "../../src/domain/calendar/weeks.ts";
import { loadEnv } from "../../src/env.ts";
import { sendsDueNow } from "../../src/jobs/due.ts";
import { startScheduler } from "../../src/jobs/scheduler.ts";
import { createLogger } from "../../src/logger.ts";
import { importPlanFile } from "../../src/plan-import/import-plan.ts";
import { ACTION } from "../../src/slack/ui/ids.ts";
import { testDatabase } from "../helpers/db.ts";
import { startFakeSlack, type FakeSlack } from "../helpers/fake-slack.ts";
import {
  slashCommandBody,
  startTestApp,
  TEST_BOT_TOKEN,
  blockActionBody,
  type TestApp,
} from "../helpers/slack-http.ts";

/**
 * The working calendar end to end, on a small 2025 plan (test/fixtures/calendar): what
 * people do in Slack (a report on a colleague's behalf, /assenza, "Ricordamelo tra 3
 * giorni"), what `obiettivi programma --json` then plans over the weeks of Easter Monday,
 * 25 April, 2 June, the patron day (24 June) and Ferragosto, and what the scheduler
 * really posts through the fake Slack API on a holiday and on the next working day.
 */

const PLAN = path.resolve(import.meta.dirname, "../fixtures/calendar/piano-2025.csv");
const HEAD03 = "U0HEAD03";
const MARIO = "U0MARIO";
const HEAD01 = "U0HEAD01";
const SEGR = "U0SEGR";
const HOLIDAYS = ["2025-04-21", "2025-04-25", "2025-05-01", "2025-06-02", "2025-06-24", "2025-08-14", "2025-08-15"];

interface Send {
  date: string;
  time: string;
  kind: "digest" | "reminder" | "question";
  recipient: string;
  area?: string;
  activity?: string;
  items?: { kind: string; activity: string; onBehalfOf: string[] }[];
}

let t: Awaited<ReturnType<typeof testDatabase>>;
let fake: FakeSlack;
let app: TestApp;
let now = new Date("2025-04-01T08:00:00Z");
const clock: Clock = () => new Date(now.getTime());
const saved: Record<string, string | undefined> = {};

async function cli(args: string[]) {
  let out = "";
  let err = "";
  const code = await runCli(args, { out: (s) => void (out += s), err: (s) => void (err += s) });
  return { code, out, err };
}

async function programma(from: string, to: string): Promise<Send[]> {
  const r = await cli(["programma", "--dal", from, "--al", to, "--json"]);
  expect(r.err).toBe("");
  expect(r.code).toBe(0);
  return JSON.parse(r.out) as Send[];
}

let seq = 0;
async function slash(command: string, text: string, userId: string) {
  const id = `r${++seq}`;
  const res = await app.send(slashCommandBody({ command, text, userId, responseUrl: fake.responseUrl(id) }));
  expect(res.status).toBe(200);
  await app.idle();
  return fake.responsesTo(id).map((r) => r.body as { text: string; blocks: unknown[] });
}

beforeAll(async () => {
  for (const k of ["DATABASE_URL", "PATRONO", "ABSENCE_REMINDERS", "REMINDER_DAYS", "DIGEST_CRON"])
    saved[k] = process.env[k];
  for (const k of ["PATRONO", "ABSENCE_REMINDERS", "REMINDER_DAYS", "DIGEST_CRON"]) delete process.env[k];
  t = await testDatabase();
  process.env.DATABASE_URL = t.url;
  fake = await startFakeSlack();
  const at = new Date("2025-01-10T09:00:00Z");
  await importPlanFile(t.db, PLAN, { actor: "test", now: at });
  for (const [id, role, name, areas] of [
    [HEAD03, "responsabile", "Claudia Nodari", ["03"]],
    [MARIO, "dipendente", "Mario Rossi", ["03"]],
    [HEAD01, "responsabile", "Anna Bianchi", ["01"]],
    [SEGR, "segretario", "Paola Verdi", []],
  ] as const) {
    await t.db.user.create({
      data: { slackUserId: id, role, name, createdAt: at, areas: { create: areas.map((areaCode) => ({ areaCode })) } },
    });
  }
  expect((await cli(["canale", "03", "C0AREA03"])).code).toBe(0);
  expect((await cli(["canale", "01", "C0AREA01"])).code).toBe(0);
  expect((await cli(["calendario", "patrono", "06-24"])).out).toContain("Santo patrono: 06-24");
  expect((await cli(["calendario", "chiusura", "2025-08-14", "--nota", "ponte di Ferragosto"])).code).toBe(0);
  app = await startTestApp({ db: t.db, clock, fake });
}, 60_000);

afterAll(async () => {
  await app.close();
  await fake.close();
  await t.dispose();
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

describe("calendar and absences from the CLI", () => {
  it("lists the patron, the closures and the year's non-working days; refuses bad input in Italian", async () => {
    const list = await cli(["calendario", "elenco", "--anno", "2025"]);
    expect(list.out).toContain("Santo patrono: 06-24");
    expect(list.out).toContain("2025-08-14  giovedì  ponte di Ferragosto");
    expect(list.out).toContain("2025-04-21  lunedì  Lunedì dell'Angelo");
    expect(list.out).toContain("2025-06-02  lunedì  Festa della Repubblica");
    const bad = await cli(["calendario", "patrono", "24/06"]);
    expect(bad.code).not.toBe(0);
    expect(bad.err).toContain("Giorno del patrono non valido: «24/06». Atteso MM-GG");
    const badDay = await cli(["calendario", "chiusura", "2025-02-30"]);
    expect(badDay.code).not.toBe(0);
    expect(badDay.err).toContain("Data non valida: «2025-02-30»");
    // A closure added and removed leaves the calendar as it was.
    expect((await cli(["calendario", "chiusura", "2025-12-24"])).code).toBe(0);
    expect((await cli(["calendario", "rimuovi-chiusura", "2025-12-24"])).out).toContain(
      "Chiusura del 24/12/2025 rimossa.",
    );
    expect((await cli(["calendario", "elenco"])).out).not.toContain("2025-12-24");
  });

  it("assenze aggiungi, elenco, rimuovi; refuses a reversed range", async () => {
    const added = await cli(["assenze", "aggiungi", HEAD01, "--dal", "01/09/2025", "--al", "05/09/2025"]);
    expect(added.out).toMatch(/^Assenza n\. (\d+) registrata: Anna Bianchi dal 01\/09\/2025 al 05\/09\/2025\./);
    const id = /n\. (\d+)/.exec(added.out)![1]!;
    expect((await cli(["assenze", "elenco", "--tutte"])).out).toContain("Anna Bianchi  dal 01/09/2025 al 05/09/2025");
    expect((await cli(["assenze", "rimuovi", id])).out).toContain(`Assenza n. ${id} annullata`);
    const reversed = await cli(["assenze", "aggiungi", HEAD01, "--dal", "2025-09-05", "--al", "2025-09-01"]);
    expect(reversed.code).not.toBe(0);
    expect(reversed.err).toContain("viene prima dell'inizio");
    expect(await t.db.absence.count({ where: { cancelledAt: null } })).toBe(0);
  });
});

describe("Slack: on someone's behalf, /assenza, snooze", () => {
  it("a Responsabile records for a colleague of the area: stored for him, typed by her, shown with both names", async () => {
    now = new Date("2025-04-01T08:00:00Z");
    const [r] = await slash("/obiettivo", `3.1.4 in corso per <@${MARIO}|mario>`, HEAD03);
    expect(r!.text).toContain("registrato da Claudia Nodari per Mario Rossi");
    const report = await t.db.report.findFirstOrThrow({ where: { activityCode: "3.1.4" } });
    expect([report.userId, report.enteredBy]).toEqual([MARIO, HEAD03]);
    const [history] = await slash("/obiettivo", "3.1.4 storia", MARIO);
    expect(JSON.stringify(history!.blocks)).toContain(`registrato da <@${HEAD03}> per <@${MARIO}>`);
    // A colleague cannot, and nobody can for a person of another area.
    const [refused] = await slash("/obiettivo", `3.1.3 completato per <@${HEAD03}>`, MARIO);
    expect(refused!.text).toContain("Solo il responsabile dell'area, il Segretario o l'amministratore");
    const [otherArea] = await slash("/obiettivo", `1.1.1 completato per <@${MARIO}>`, HEAD01);
    expect(otherArea!.text).toContain("colleghi della tua area");
    expect(await t.db.report.count()).toBe(1);
  });

  it("/assenza registers, lists and refuses in Italian", async () => {
    const [ok] = await slash("/assenza", "dal 10/08/2025 al 25/08/2025 ferie", MARIO);
    expect(ok!.text).toMatch(/^Assenza n\. \d+ registrata dal 10\/08\/2025 al 25\/08\/2025\./);
    const [list] = await slash("/assenza", "elenco", MARIO);
    expect(list!.text).toContain("dal 10/08/2025 al 25/08/2025");
    const [bad] = await slash("/assenza", "dal 25/08/2025 al 10/08/2025", MARIO);
    expect(bad!.text).toContain("viene prima di quella di inizio");
    const [garbage] = await slash("/assenza", "domani forse", MARIO);
    expect(garbage!.text).toContain("«/assenza dal 10/08/2025 al 25/08/2025»");
    expect(await t.db.absence.count({ where: { slackUserId: MARIO, cancelledAt: null } })).toBe(1);
  });
});

describe("obiettivi programma --json", () => {
  let sends: Send[];
  beforeAll(async () => {
    sends = await programma("2025-04-14", "2025-08-31");
  });

  it("gives each send its date, time, kind, recipient, and area or activity", () => {
    expect(sends.length).toBeGreaterThan(20);
    for (const s of sends) {
      expect(s.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(s.time).toMatch(/^\d{2}:\d{2}$/);
      expect(["digest", "reminder", "question"]).toContain(s.kind);
      expect(s.recipient).toMatch(/^[UC]0/);
      expect(s.kind === "digest" ? s.area : s.activity).toBeTruthy();
    }
    expect(sends.some((s) => s.kind === "question")).toBe(true);
  });

  it("sends nothing on holidays, the patron day, closures or weekends", () => {
    for (const s of sends) {
      expect(HOLIDAYS).not.toContain(s.date);
      expect([0, 6]).not.toContain(new Date(`${s.date}T12:00:00Z`).getUTCDay());
    }
  });

  it("moves the digest to the next working day: Tuesday after Easter Monday and after 2 June, Monday otherwise", () => {
    const digestDays = (channel: string) =>
      sends.filter((s) => s.kind === "digest" && s.recipient === channel).map((s) => s.date);
    for (const channel of ["C0AREA01", "C0AREA03"]) {
      const days = digestDays(channel);
      expect(days).toContain("2025-04-22");
      expect(days).toContain("2025-06-03");
      expect(days).not.toContain("2025-04-21");
      expect(days).toContain("2025-04-28");
      expect(days).toContain("2025-06-23"); // the patron day is a Tuesday: Monday's digest stays
      expect(days).toContain("2025-08-11");
      // One a week, every week of the window (W16 to W35).
      expect(days).toHaveLength(20);
      expect(new Set(days.map(isoWeekOf)).size).toBe(20);
    }
    expect(
      sends.find((s) => s.kind === "digest" && s.date === "2025-04-22" && s.recipient === "C0AREA03"),
    ).toMatchObject({ time: "08:30", area: "03" });
  });

  it("an absent person gets no direct message in their window; their reminder reaches the Responsabile", () => {
    const toMario = sends.filter((s) => s.recipient === MARIO);
    expect(toMario.some((s) => s.date === "2025-08-05")).toBe(true); // 7 working days before 3.1.4, before leaving
    expect(toMario.filter((s) => s.date >= "2025-08-10" && s.date <= "2025-08-25")).toEqual([]);
    const standIn = sends.find((s) => s.recipient === HEAD03 && s.date === "2025-08-13")!;
    expect(standIn.items).toContainEqual(expect.objectContaining({ activity: "3.1.4", onBehalfOf: [MARIO] }));
  });

  it("nobody gets more than one message a day", () => {
    const perDay = new Map<string, number>();
    for (const s of sends) perDay.set(`${s.recipient} ${s.date}`, (perDay.get(`${s.recipient} ${s.date}`) ?? 0) + 1);
    expect([...perDay.values()].every((n) => n === 1)).toBe(true);
    // 3.1.2 and 3.1.5 are both due on Monday 28 April: the Responsabile gets one message with both, 7 working days before.
    const bundled = sends.filter((s) => s.recipient === HEAD03 && s.date === "2025-04-15");
    expect(bundled).toHaveLength(1);
    expect(bundled[0]!.items!.map((i) => i.activity).sort()).toEqual(["3.1.2", "3.1.5"]);
    expect(bundled[0]!.activity).toBe("3.1.2, 3.1.5");
  });

  it("with ABSENCE_REMINDERS=rientro, the absent person's reminders wait instead", async () => {
    process.env.ABSENCE_REMINDERS = "rientro";
    try {
      const held = await programma("2025-08-01", "2025-08-31");
      const standIn = held.find((s) => s.recipient === HEAD03 && s.date === "2025-08-13")!;
      expect(standIn.items!.find((i) => i.activity === "3.1.4")!.onBehalfOf).toEqual([]);
      expect(held.filter((s) => s.recipient === MARIO && s.date >= "2025-08-10" && s.date <= "2025-08-25")).toEqual([]);
    } finally {
      delete process.env.ABSENCE_REMINDERS;
    }
  });

  it("prints the same plan as text, naming the days off", async () => {
    const r = await cli(["programma", "--dal", "2025-04-21", "--al", "2025-04-25"]);
    expect(r.out).toContain("lunedì 21/04/2025 — non lavorativo: Lunedì dell'Angelo, nessun invio");
    expect(r.out).toContain("martedì 22/04/2025");
    expect(r.out).toContain("08:30  riepilogo   canale C0AREA03 (area 03)");
    const bad = await cli(["programma", "--dal", "2025-04-25", "--al", "2025-04-21"]);
    expect(bad.code).not.toBe(0);
    expect(bad.err).toContain("--al (2025-04-21) viene prima di --dal (2025-04-25)");
    const missing = await cli(["programma", "--dal", "21/04/2025", "--al", "2025-04-25"]);
    expect(missing.err).toContain("Data non valida per --dal: «21/04/2025». Atteso il formato AAAA-MM-GG");
  });
});

describe("the scheduler posts what the planner planned", () => {
  const client = () => new WebClient(TEST_BOT_TOKEN, { slackApiUrl: fake.url, retryConfig: { retries: 0 } });
  const run = async (at: string) => {
    const s = startScheduler({
      env: loadEnv({ LOG_LEVEL: "silent" }),
      db: t.db,
      client: client(),
      log: createLogger("silent"),
      clock: () => new Date(at),
    });
    await s.stop();
  };

  it("posts nothing on Easter Monday, then on Tuesday exactly the sends programma listed, once", async () => {
    const planned = (await programma("2025-04-22", "2025-04-22")).map((s) => `${s.recipient} ${s.kind}`).sort();
    expect(planned.filter((p) => p.endsWith("digest"))).toEqual(["C0AREA01 digest", "C0AREA03 digest"]);
    fake.reset();
    await run("2025-04-21T09:00:00Z"); // Easter Monday, 11:00 in Rome: the digest's and the reminders' time have passed
    expect(fake.callsTo("chat.postMessage")).toHaveLength(0);
    await run("2025-04-22T09:00:00Z");
    const posted = fake.callsTo("chat.postMessage");
    expect(posted.map((c) => String(c.body.channel)).sort()).toEqual(planned.map((p) => p.split(" ")[0]!).sort());
    // A restart the same day posts nothing more, and programma no longer lists them.
    await run("2025-04-22T10:00:00Z");
    expect(fake.callsTo("chat.postMessage")).toHaveLength(posted.length);
    expect(await programma("2025-04-22", "2025-04-22")).toEqual([]);
    // The message to the head carries the snooze button.
    const dm = posted.find((c) => c.body.channel === HEAD03)!;
    const buttons = (
      dm.body.blocks as { type: string; elements?: { action_id: string; text: { text: string } }[] }[]
    ).flatMap((b) => b.elements ?? []);
    expect(buttons.filter((b) => b.action_id === ACTION.snooze).map((b) => b.text.text)[0]).toBe(
      "Ricordamelo tra 3 giorni",
    );
  });

  it("«Ricordamelo tra 3 giorni» holds the item and brings it back on the first working day from then", async () => {
    now = new Date("2025-04-22T09:00:00Z");
    const id = `s${++seq}`;
    const res = await app.send(
      blockActionBody({
        userId: HEAD03,
        actionId: ACTION.snooze,
        value: JSON.stringify({ year: 2025, code: "3.1.2", kind: "reminder" }),
        responseUrl: fake.responseUrl(id),
      }),
    );
    expect(res.status).toBe(200);
    await app.idle();
    // 22 + 3 = 25 April, a holiday: the item comes back on Monday 28.
    expect(String((fake.responsesTo(id)[0]!.body as { text: string }).text)).toContain(
      "Va bene: te lo ricordo lunedì 28/04/2025 (3.1.2)",
    );
    const next = await programma("2025-04-23", "2025-04-28");
    const head = next.filter((s) => s.recipient === HEAD03);
    expect(head.filter((s) => s.date < "2025-04-28").flatMap((s) => s.items!.map((i) => i.activity))).not.toContain(
      "3.1.2",
    );
    expect(head.find((s) => s.date === "2025-04-28")!.items!.map((i) => i.activity)).toContain("3.1.2");
    // What the scheduler reads at any instant before the snooze's day holds it.
    const due = await sendsDueNow(t.db, loadEnv({ LOG_LEVEL: "silent" }), new Date("2025-04-23T09:00:00Z"));
    expect(due!.view.facts.snoozes).toEqual([
      expect.objectContaining({ userId: HEAD03, code: "3.1.2", until: "2025-04-25" }),
    ]);
    // The scheduler holds it too: on Thursday 24 (1 working day before 3.1.2) the head's message has 3.1.5, not 3.1.2.
    fake.reset();
    await run("2025-04-24T09:00:00Z");
    const codes = fake
      .callsTo("chat.postMessage")
      .filter((c) => c.body.channel === HEAD03)
      .flatMap((c) =>
        (c.body.blocks as { type: string; elements?: { value: string }[] }[])
          .filter((b) => b.type === "actions")
          .map((b) => (JSON.parse(b.elements![0]!.value) as { code: string }).code),
      );
    expect(codes).toContain("3.1.5");
    expect(codes).not.toContain("3.1.2");
  });
});

describe("the digest says who is away and who has not reported", () => {
  it("lists the absent colleague and the silent ones of the area", async () => {
    const r = await cli(["riepilogo", "--area", "03", "--oggi", "2025-08-11"]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("Assenti questa settimana (1):");
    expect(r.out).toContain("Mario Rossi (U0MARIO) — dal 10/08/2025 al 25/08/2025");
    expect(r.out).toMatch(/Nessun aggiornamento nelle ultime 3 settimane \(\d\):/);
  });
});
