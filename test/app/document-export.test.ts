import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { documentExport } from "../../src/app/relazione.ts";
import { addUser } from "../../src/app/users.ts";
import { instantOfDay } from "../../src/domain/calendar/days.ts";
import { UserError } from "../../src/errors.ts";
import { importPlanFile } from "../../src/plan-import/import-plan.ts";
import { LEGGIUNO_PLAN, testDatabase } from "../helpers/db.ts";

/** What App Home's document buttons hand to the heavy-work thread (a recording runner stands in for it). */

let database: Awaited<ReturnType<typeof testDatabase>>;
const now = instantOfDay("2025-01-15");

beforeAll(async () => {
  database = await testDatabase();
  await importPlanFile(database.db, LEGGIUNO_PLAN, { actor: "test", now });
  await addUser(database.db, { slackUserId: "U0SEG", role: "segretario" }, { actor: "test", now });
  await addUser(database.db, { slackUserId: "U0DIP", role: "dipendente", areas: ["03"] }, { actor: "test", now });
});

afterAll(async () => {
  await database?.dispose();
});

function recordingRunner() {
  const runs: { kind: string; input: Record<string, unknown> }[] = [];
  return {
    runs,
    has: () => false,
    run: (kind: string, input: Record<string, unknown>) => {
      runs.push({ kind, input });
      return Promise.resolve({
        bytes: new Uint8Array([1, 2, 3]),
        filename: `${kind}.docx`,
        mimeType: "x",
        year: 2024,
        seed: "abcd",
        drawn: true,
      });
    },
  };
}

describe("documentExport", () => {
  it("passes the Comune's patron day to the thread, so lateness is counted on the same calendar as the CLI's", async () => {
    const heavy = recordingRunner();
    for (const document of ["relazione", "schede"] as const)
      await documentExport(database.db, heavy as never, {
        userId: "U0SEG",
        document,
        format: "docx",
        now,
        patron: "06-24",
        queued: () => {},
      });
    expect(heavy.runs.map((r) => [r.kind, r.input.patron, r.input.asOf])).toEqual([
      ["relazione", "06-24", "2025-01-15"],
      ["schede", "06-24", "2025-01-15"],
    ]);
  });

  it("draws a validation sample with a fresh seed for who asks, and says so", async () => {
    const heavy = recordingRunner();
    const made = await documentExport(database.db, heavy as never, {
      userId: "U0SEG",
      document: "validazione",
      format: "xlsx",
      now,
      queued: () => {},
    });
    expect(heavy.runs[0]!.kind).toBe("validazione");
    expect(heavy.runs[0]!.input.actor).toBe("U0SEG");
    expect(String(heavy.runs[0]!.input.seed)).toMatch(/^[0-9a-f]{8}$/);
    expect(made).toMatchObject({
      kind: "file",
      document: "validazione",
      sample: { seed: "abcd", drawn: true },
      filename: "validazione.docx",
    });
  });

  it("refuses a dipendente before any work, naming the document", async () => {
    const heavy = recordingRunner();
    const refused = documentExport(database.db, heavy as never, {
      userId: "U0DIP",
      document: "schede",
      now,
      queued: () => {},
    });
    await expect(refused).rejects.toBeInstanceOf(UserError);
    await expect(refused).rejects.toMatchObject({ error: { code: "export_refused", document: "schede" } });
    expect(heavy.runs).toEqual([]);
  });
});
