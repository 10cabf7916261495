import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { fixedClock } from "../../src/clock.ts";
import { instantOfDay } from "../../src/domain/calendar/days.ts";
import { addUser } from "../../src/app/users.ts";
import { importPlanFile } from "../../src/plan-import/import-plan.ts";
import { ACTION, VIEW } from "../../src/slack/ui/ids.ts";
import { LEGGIUNO_PLAN, testDatabase } from "../helpers/db.ts";
import { startFakeSlack, type FakeSlack } from "../helpers/fake-slack.ts";
import { blockActionBody, startTestApp, viewSubmissionBody, type TestApp } from "../helpers/slack-http.ts";

/** The behaviour-score modal from the App Home: only the SMVP's roles, values checked against each criterion's maximum. */

const SEG = "U0SEG0001";
const HEAD = "U0HEAD003";

let fake: FakeSlack;
let t: TestApp;
let database: Awaited<ReturnType<typeof testDatabase>>;

interface OpenedView {
  callback_id: string;
  private_metadata?: string;
  submit?: unknown;
  blocks: {
    type: string;
    block_id?: string;
    element?: {
      type: string;
      action_id: string;
      max_value?: string;
      initial_value?: string;
      options?: { value: string }[];
    };
  }[];
}

beforeAll(async () => {
  fake = await startFakeSlack();
  database = await testDatabase();
  await importPlanFile(database.db, LEGGIUNO_PLAN, { actor: "test", now: instantOfDay("2024-01-15") });
  const ctx = { actor: "test", now: instantOfDay("2024-01-15") };
  await addUser(database.db, { slackUserId: SEG, role: "segretario" }, ctx);
  await addUser(database.db, { slackUserId: HEAD, role: "responsabile", areas: ["03"] }, ctx);
  t = await startTestApp({ db: database.db, clock: fixedClock("2025-01-20"), fake });
});
afterAll(async () => {
  await t?.close();
  await fake?.close();
  await database?.dispose();
});
beforeEach(() => fake.reset());

const number = (value: string) => ({ type: "number_input", value });

describe("behaviour scores from Slack", () => {
  it("Segretario: opens the modal, picks a Responsabile, sees the ten criteria with their maxima, saves; over-max is refused on its field", async () => {
    await t.send(blockActionBody({ userId: SEG, actionId: ACTION.behaviourScores, value: { year: 2024 } }));
    const opened = (await fake.waitForCall("views.open")).body.view as unknown as OpenedView;
    await t.idle();
    expect(opened.callback_id).toBe(VIEW.behaviourScores);
    const picker = opened.blocks.find((b) => b.element?.action_id === ACTION.behaviourPick)!;
    expect(picker.element!.options!.map((o) => o.value)).toContain("Claudia Nodari");

    await t.send(
      blockActionBody({
        userId: SEG,
        actionId: ACTION.behaviourPick,
        selectedValue: "Claudia Nodari",
        view: { id: "V0BEHAV01", callbackId: VIEW.behaviourScores, privateMetadata: opened.private_metadata },
      }),
    );
    const updated = (await fake.waitForCall("views.update")).body.view as unknown as OpenedView;
    await t.idle();
    const fields = updated.blocks.filter((b) => b.element?.type === "number_input");
    expect(fields.map((f) => Number(f.element!.max_value))).toEqual([5, 5, 7, 3, 5, 3, 7, 7, 5, 3]);
    expect(updated.submit).toBeTruthy();

    const values = (scores: Record<number, string>) =>
      Object.fromEntries(
        Object.entries(scores).map(([n, v]) => [`behaviour_${n}`, { [`behaviour_value_${n}`]: number(v) }]),
      );
    const over = await t.send(
      viewSubmissionBody({
        userId: SEG,
        callbackId: VIEW.behaviourScores,
        privateMetadata: updated.private_metadata,
        values: values({ 1: "4", 3: "9" }),
      }),
    );
    expect(over.json).toEqual({
      response_action: "errors",
      errors: { behaviour_3: expect.stringContaining("da 0 a 7 punti") },
    });
    expect(await database.db.behaviourScore.count()).toBe(0);

    const ok = await t.send(
      viewSubmissionBody({
        userId: SEG,
        callbackId: VIEW.behaviourScores,
        privateMetadata: updated.private_metadata,
        values: values({ 1: "4", 3: "6,5" }),
      }),
    );
    expect(ok.status).toBe(200);
    await t.idle();
    const row = await database.db.behaviourScore.findFirstOrThrow();
    expect(row).toMatchObject({ planYear: 2024, responsabile: "Claudia Nodari", enteredBy: SEG });
    expect(JSON.parse(row.scores)).toEqual({ 1: 4, 3: 6.5 });
    expect(await database.db.auditEntry.count({ where: { action: "behaviour_scores", actor: SEG } })).toBe(1);
  });

  it("a Responsabile cannot enter them: the button is refused, no modal opens", async () => {
    await t.send(blockActionBody({ userId: HEAD, actionId: ACTION.behaviourScores, value: { year: 2024 } }));
    await t.idle();
    expect(fake.callsTo("views.open")).toEqual([]);
    const forged = await t.send(
      viewSubmissionBody({
        userId: HEAD,
        callbackId: VIEW.behaviourScores,
        privateMetadata: JSON.stringify({ year: 2024, responsabile: "Claudia Nodari" }),
        values: { behaviour_1: { behaviour_value_1: number("5") } },
      }),
    );
    expect(JSON.stringify(forged.json)).toContain("Segretario");
    expect(JSON.parse((await database.db.behaviourScore.findFirstOrThrow()).scores)).toEqual({ 1: 4, 3: 6.5 });
  });
});
