import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Clock } from "../../src/clock.ts";
import { importPlanFile } from "../../src/plan-import/import-plan.ts";
import { ACTION, VIEW } from "../../src/slack/ui/ids.ts";
import { ABSENCE_FIELDS, PREF_FIELDS } from "../../src/slack/ui/notice-settings.ts";
import { REPORT_BLOCK, REPORT_ELEMENT } from "../../src/slack/ui/report-modal.ts";
import { testDatabase } from "../helpers/db.ts";
import { startFakeSlack, type FakeSlack } from "../helpers/fake-slack.ts";
import {
  blockActionBody,
  startTestApp,
  viewSubmissionBody,
  type TestApp,
  type ViewStateValues,
} from "../helpers/slack-http.ts";

/** App Home "Promemoria e assenze" and the report modal's "Per conto di", over signed HTTP. */

const PLAN = path.resolve(import.meta.dirname, "../fixtures/calendar/piano-2025.csv");
const HEAD = "U0HEAD03";
const MARIO = "U0MARIO";
const now = new Date("2025-04-01T08:00:00Z");
const clock: Clock = () => new Date(now.getTime());

let fake: FakeSlack;
let t: TestApp;
let database: Awaited<ReturnType<typeof testDatabase>>;

beforeAll(async () => {
  fake = await startFakeSlack();
  database = await testDatabase();
  const at = new Date("2025-01-10T09:00:00Z");
  await importPlanFile(database.db, PLAN, { actor: "test", now: at });
  await database.db.user.create({
    data: {
      slackUserId: HEAD,
      role: "responsabile",
      name: "Claudia Nodari",
      createdAt: at,
      areas: { create: [{ areaCode: "03" }] },
    },
  });
  await database.db.user.create({
    data: {
      slackUserId: MARIO,
      role: "dipendente",
      name: "Mario Rossi",
      createdAt: at,
      areas: { create: [{ areaCode: "03" }] },
    },
  });
  t = await startTestApp({ db: database.db, clock, fake });
});

afterAll(async () => {
  await t.close();
  await fake.close();
  await database.dispose();
});

function homeOpened(user: string): string {
  return JSON.stringify({
    token: "verification-token-unused",
    team_id: "T0FAKE001",
    api_app_id: "A0TEST001",
    type: "event_callback",
    event_id: `Ev${user}${Date.now()}${Math.random()}`,
    event_time: Math.floor(Date.now() / 1000),
    event: { type: "app_home_opened", user, channel: `D${user.slice(1)}`, tab: "home", event_ts: "1700000000.000100" },
  });
}

async function home(user: string): Promise<string> {
  const before = fake.callsTo("views.publish").length;
  expect((await t.send(homeOpened(user), { contentType: "application/json" })).status).toBe(200);
  const call = await fake.waitForCall("views.publish", before + 1);
  return JSON.stringify((call.body as { view: unknown }).view);
}

async function press(user: string, actionId: string) {
  const before = fake.callsTo("views.open").length;
  expect((await t.send(blockActionBody({ userId: user, actionId, value: "{}" }))).status).toBe(200);
  await t.idle();
  const calls = fake.callsTo("views.open");
  expect(calls.length).toBe(before + 1);
  const v = calls[calls.length - 1]!.body.view;
  return (typeof v === "string" ? JSON.parse(v) : v) as { callback_id: string; blocks: { block_id?: string }[] };
}

describe("App Home: reminders and absences", () => {
  it("shows the section, opens the absence modal and stores what it submits", async () => {
    const view = await home(MARIO);
    expect(view).toContain("Promemoria e assenze");
    expect(view).toContain(ACTION.absenceOpen);
    expect(view).toContain(ACTION.remindersPrefsOpen);
    const modal = await press(MARIO, ACTION.absenceOpen);
    expect(modal.callback_id).toBe(VIEW.absence);
    const values = (from: string, to: string): ViewStateValues => ({
      [ABSENCE_FIELDS.from.block]: { [ABSENCE_FIELDS.from.element]: { type: "datepicker", selected_date: from } },
      [ABSENCE_FIELDS.to.block]: { [ABSENCE_FIELDS.to.element]: { type: "datepicker", selected_date: to } },
      [ABSENCE_FIELDS.note.block]: { [ABSENCE_FIELDS.note.element]: { type: "plain_text_input", value: "ferie" } },
    });
    const refused = await t.send(
      viewSubmissionBody({ userId: MARIO, callbackId: VIEW.absence, values: values("2025-08-25", "2025-08-10") }),
    );
    expect(JSON.parse(refused.text)).toMatchObject({
      response_action: "errors",
      errors: { [ABSENCE_FIELDS.to.block]: expect.stringContaining("viene prima dell'inizio") },
    });
    expect(await database.db.absence.count()).toBe(0);
    const ok = await t.send(
      viewSubmissionBody({ userId: MARIO, callbackId: VIEW.absence, values: values("2025-08-10", "2025-08-25") }),
    );
    expect(ok.status).toBe(200);
    await t.idle();
    const rows = await database.db.absence.findMany();
    expect(rows.map((r) => [r.slackUserId, r.fromDay, r.toDay, r.note])).toEqual([
      [MARIO, "2025-08-10", "2025-08-25", "ferie"],
    ]);
    expect(await home(MARIO)).toContain("Assente dal 10/08/2025 al 25/08/2025");
  });

  it("the preferences modal turns DM reminders off, or sets how many working days before", async () => {
    const modal = await press(HEAD, ACTION.remindersPrefsOpen);
    expect(modal.callback_id).toBe(VIEW.reminderPrefs);
    const values = (dm: "on" | "off", days: string | null): ViewStateValues => ({
      [PREF_FIELDS.dm.block]: { [PREF_FIELDS.dm.element]: { type: "radio_buttons", selected_option: { value: dm } } },
      [PREF_FIELDS.days.block]: { [PREF_FIELDS.days.element]: { type: "plain_text_input", value: days } },
    });
    const bad = await t.send(
      viewSubmissionBody({ userId: HEAD, callbackId: VIEW.reminderPrefs, values: values("on", "cento") }),
    );
    expect(JSON.parse(bad.text)).toMatchObject({
      response_action: "errors",
      errors: { [PREF_FIELDS.days.block]: expect.stringContaining("da 1 a 60") },
    });
    await t.send(viewSubmissionBody({ userId: HEAD, callbackId: VIEW.reminderPrefs, values: values("on", "5") }));
    await t.idle();
    expect(await database.db.notificationPreference.findUnique({ where: { slackUserId: HEAD } })).toMatchObject({
      dmReminders: true,
      daysBefore: 5,
    });
    await t.send(viewSubmissionBody({ userId: HEAD, callbackId: VIEW.reminderPrefs, values: values("off", null) }));
    await t.idle();
    expect(await database.db.notificationPreference.findUnique({ where: { slackUserId: HEAD } })).toMatchObject({
      dmReminders: false,
      daysBefore: null,
    });
    expect(await home(HEAD)).toContain("Promemoria diretti: *disattivati*");
  });
});

describe("buttons with a value that no longer fits", () => {
  it("a forged snooze or absence button is refused in Italian, nothing stored", async () => {
    for (const [actionId, value, expected] of [
      [ACTION.snooze, JSON.stringify({ year: 2025, code: "3.1.2", kind: "sempre" }), "il promemoria è troppo vecchio"],
      [ACTION.absenceCancel, "non-json", "«/assenza elenco»"],
    ] as const) {
      const id = `stale-${actionId}`;
      expect(
        (await t.send(blockActionBody({ userId: MARIO, actionId, value, responseUrl: fake.responseUrl(id) }))).status,
      ).toBe(200);
      await t.idle();
      expect(String((fake.responsesTo(id)[0]!.body as { text: string }).text)).toContain(expected);
    }
    expect(await database.db.snooze.count()).toBe(0);
  });
});

describe("report modal: Per conto di", () => {
  const values = (onBehalf: string | null): ViewStateValues => ({
    [REPORT_BLOCK.status]: {
      [REPORT_ELEMENT.status]: { type: "static_select", selected_option: { value: "in_corso" } },
    },
    [REPORT_BLOCK.value]: { [REPORT_ELEMENT.value]: { type: "plain_text_input", value: null } },
    [REPORT_BLOCK.date]: { [REPORT_ELEMENT.date]: { type: "datepicker", selected_date: null } },
    [REPORT_BLOCK.note]: { [REPORT_ELEMENT.note]: { type: "plain_text_input", value: null } },
    [REPORT_BLOCK.evidence]: { [REPORT_ELEMENT.evidence]: { type: "plain_text_input", value: null } },
    [REPORT_BLOCK.behalf]: { [REPORT_ELEMENT.behalf]: { type: "users_select", selected_user: onBehalf } },
  });
  const meta = JSON.stringify({ year: 2025, code: "3.1.3" });

  it("a Responsabile records for a colleague; a dipendente is refused under the picker", async () => {
    const refused = await t.send(
      viewSubmissionBody({ userId: MARIO, callbackId: VIEW.report, privateMetadata: meta, values: values(HEAD) }),
    );
    expect(JSON.parse(refused.text)).toMatchObject({
      response_action: "errors",
      errors: { [REPORT_BLOCK.behalf]: expect.stringContaining("Solo il responsabile") },
    });
    expect(await database.db.report.count()).toBe(0);
    const ok = await t.send(
      viewSubmissionBody({ userId: HEAD, callbackId: VIEW.report, privateMetadata: meta, values: values(MARIO) }),
    );
    expect(ok.status).toBe(200);
    await t.idle();
    const r = await database.db.report.findFirstOrThrow();
    expect([r.userId, r.enteredBy, r.source]).toEqual([MARIO, HEAD, "slack_modal"]);
    const dm = fake
      .callsTo("chat.postMessage")
      .find((c) => c.body.channel === HEAD && String(c.body.text).includes("registrato da"));
    expect(String(dm?.body.text)).toContain("registrato da Claudia Nodari per Mario Rossi");
  });
});
