import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DelayValidationError, validateDelayInput } from "../../src/domain/delays/delays.ts";
import { delayExplanationsOf } from "../../src/store/delays.ts";
import { recordDelayExplanation } from "../../src/app/delays.ts";
import { ChangeBus, type ChangeEvent } from "../../src/app/events.ts";
import { UserError } from "../../src/errors.ts";
import { importPlanFile } from "../../src/plan-import/import-plan.ts";
import { LEGGIUNO_PLAN, testDatabase } from "../helpers/db.ts";

const AT = new Date("2024-01-15T10:00:00Z");
const NOW = new Date("2024-10-07T09:00:00Z");
const TODAY = "2024-10-07";

let t: Awaited<ReturnType<typeof testDatabase>>;
beforeAll(async () => {
  t = await testDatabase();
  await importPlanFile(t.db, LEGGIUNO_PLAN, { actor: "test", now: AT });
  const users: [string, string, string[]][] = [
    ["U0HEAD03", "responsabile", ["03"]],
    ["U0STAFF03", "dipendente", ["03"]],
    ["U0HEAD04", "responsabile", ["04"]],
    ["U0NDV", "nucleo", []],
    ["U0SEGR", "segretario", []],
  ];
  for (const [id, role, areas] of users) {
    await t.db.user.create({
      data: { slackUserId: id, role, createdAt: AT, areas: { create: areas.map((areaCode) => ({ areaCode })) } },
    });
  }
});
afterAll(async () => t.dispose());

const valid = {
  cause: "carenza_personale",
  explanation: "Due colleghi in malattia da luglio.",
  correctiveAction: null,
  newExpectedDate: "2024-11-15",
};

describe("validating a delay cause", () => {
  it("accepts the six causes only, needs an explanation, refuses a new date in the past", () => {
    expect(validateDelayInput(valid, TODAY)).toEqual({ ok: true, value: { ...valid, correctiveAction: null } });
    expect(validateDelayInput({ ...valid, newExpectedDate: TODAY }, TODAY).ok).toBe(true);
    expect(validateDelayInput({ ...valid, newExpectedDate: null, correctiveAction: "  " }, TODAY)).toEqual({
      ok: true,
      value: { ...valid, newExpectedDate: null, correctiveAction: null },
    });
    const bad = validateDelayInput(
      { cause: "maltempo", explanation: " ", correctiveAction: "x".repeat(3001), newExpectedDate: "2024-10-06" },
      TODAY,
    );
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(Object.keys(bad.errors).sort()).toEqual(["cause", "correctiveAction", "explanation", "newExpectedDate"]);
    expect(bad.errors.newExpectedDate).toBe(
      "La nuova data prevista non può essere nel passato: scegli oggi (07/10/2024) o un giorno successivo.",
    );
    expect(validateDelayInput({ ...valid, newExpectedDate: "2024-02-30" }, TODAY)).toMatchObject({ ok: false });
    // Half an emoji cannot be stored: it becomes the replacement character; whole emoji stay.
    expect(
      validateDelayInput({ ...valid, explanation: "fatto \ud83d", correctiveAction: "ok \ud83d\ude00 \ude00" }, TODAY),
    ).toMatchObject({
      ok: true,
      value: { explanation: "fatto \ufffd", correctiveAction: "ok \ud83d\ude00 \ufffd" },
    });
  });
});

describe("recording a delay cause", () => {
  it("stores it with author and time, audits it and tells the change bus", async () => {
    const bus = new ChangeBus();
    const seen: ChangeEvent[] = [];
    bus.on((e) => seen.push(e));
    const saved = await recordDelayExplanation(
      t.db,
      { ...valid, year: 2024, code: "3.1.4", userId: "U0STAFF03", now: NOW, today: TODAY },
      bus,
    );
    expect(saved.activity).toMatchObject({ code: "3.1.4", areaCode: "03", deadline: "2024-09-15", daysLate: 22 });
    const rows = await delayExplanationsOf(t.db, 2024, "3.1.4");
    expect(rows).toEqual([
      expect.objectContaining({
        cause: "carenza_personale",
        causeLabel: "carenza di personale",
        userId: "U0STAFF03",
        createdAt: NOW,
        newExpectedDate: "2024-11-15",
      }),
    ]);
    const audit = await t.db.auditEntry.findFirstOrThrow({ where: { action: "delay_cause" } });
    expect(audit).toMatchObject({ actor: "U0STAFF03", entityType: "activity", entityKey: "2024:3.1.4" });
    expect(seen).toEqual([{ userId: "U0STAFF03", planYear: 2024, activityCode: "3.1.4", kind: "delay_cause" }]);
  });

  it("checks on the server who may write the activity", async () => {
    const input = { ...valid, year: 2024, code: "3.1.4", now: NOW, today: TODAY };
    await expect(recordDelayExplanation(t.db, { ...input, userId: "U0HEAD04" })).rejects.toThrow(
      "Non puoi aggiornare l'attività 3.1.4",
    );
    await expect(recordDelayExplanation(t.db, { ...input, userId: "U0NDV" })).rejects.toThrow("sola lettura");
    await expect(recordDelayExplanation(t.db, { ...input, userId: "U0NOBODY" })).rejects.toBeInstanceOf(UserError);
    await expect(recordDelayExplanation(t.db, { ...input, userId: "U0SEGR" })).resolves.toMatchObject({
      activity: { code: "3.1.4" },
    });
    // Comune-wide activities: every area's staff may explain.
    await expect(recordDelayExplanation(t.db, { ...input, code: "E2.1", userId: "U0HEAD04" })).resolves.toMatchObject({
      activity: { areaCode: null },
    });
    await expect(recordDelayExplanation(t.db, { ...input, code: "9.9.9", userId: "U0SEGR" })).rejects.toThrow(
      "non è (più) nel piano 2024",
    );
    const err = await recordDelayExplanation(t.db, { ...input, explanation: "", userId: "U0HEAD03" }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DelayValidationError);
    expect(Object.keys((err as DelayValidationError).errors)).toEqual(["explanation"]);
    expect(await t.db.delayExplanation.count({ where: { activityCode: "3.1.4" } })).toBe(2);
  });
});
