import { readFileSync } from "node:fs";
import { expect } from "vitest";
import { applyVariation, prepareDocumentVariation, prepareTargetedVariation } from "../../src/app/variations.ts";
import type { Db } from "../../src/db/client.ts";
import { parsePlanSource } from "../../src/plan-import/import-plan.ts";
import { LEGGIUNO_PLAN } from "./db.ts";

/** Count targets varied on the Leggiuno 2024 plan, for the digest's behind-pace tests. */

/** A revised document adds 3.4.5; then the Giunta halves 3.3.2's pace, turns 3.4.2 into a deadline and drops 3.3.7. */
export async function variedPacePlan(t: { db: Db }): Promise<void> {
  const meta = { act: "Delibera G.C. n. 90 del 12/09/2024", validFrom: "2024-09-12", reason: "Assestamento" };
  const ctx = { actor: "test", now: new Date("2024-09-12T10:00:00Z") };
  const text = readFileSync(LEGGIUNO_PLAN, "utf8");
  const at = text.indexOf("\n", text.indexOf("\n3.4.4\t")) + 1;
  const added =
    "3.4.5\tControllo delle lampade votive Verifica periodica del funzionamento delle lampade votive nei cimiteri comunali\tControlli\tPeriodicità\t> 1 al mese\t\n";
  const revised = parsePlanSource(text.slice(0, at) + added + text.slice(at), "leggiuno-rivisto.txt");
  const doc = await prepareDocumentVariation(t.db, revised, meta);
  expect(doc.changes.map((c) => `${c.code}:${c.field}`)).toEqual(["3.4.5:exists"]);
  await applyVariation(t.db, doc, ctx);
  for (const input of [
    { code: "3.3.2", target: "> 1 al mese" },
    { code: "3.4.2", target: "31 Dicembre 2024" },
    { remove: "3.3.7" },
  ])
    await applyVariation(t.db, await prepareTargetedVariation(t.db, input, meta), ctx);
}

let reportSeq = 0;
export async function countReport(db: Db, code: string, kind: "count_add" | "count_set", value: number, day: string) {
  reportSeq += 1;
  await db.report.create({
    data: {
      planYear: 2024,
      activityCode: code,
      userId: "U0REPORT1",
      kind,
      value,
      occurredOn: day,
      source: "cli",
      createdAt: new Date(`${day}T10:00:00.${String(reportSeq % 1000).padStart(3, "0")}Z`),
    },
  });
}
