import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { generatePiaoText } from "../../bench/generate-plan.ts";
import { applyVariation, prepareTargetedVariation } from "../../src/app/variations.ts";
import { instantOfDay } from "../../src/domain/calendar/days.ts";
import { importPlanFile, importPlanText } from "../../src/plan-import/import-plan.ts";
import { openActivitiesOfAreas, type OpenActivityRow } from "../../src/store/activities.ts";
import { currentPlan } from "../../src/store/plan.ts";
import { LEGGIUNO_PLAN, testDatabase } from "../helpers/db.ts";

// The App Home's list of open activities is read in several walks (by the plan's deadline, by the
// deadlines set by hand, then the undated ones) so that a 20,000-activity area is never sorted whole.
// Whatever the walks, the page and the count must be those of the plain rule written here: the
// area's activities and the Comune-wide ones involving it, not completed, by effective deadline
// (none last), then objective and activity position.

const disposers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const d of disposers.splice(0)) await d();
});

const YEAR = 2024;

interface Candidate extends OpenActivityRow {
  objectivePosition: number;
  position: number;
}

function reference(file: string, planId: number, areaCodes: string[]): Candidate[] {
  const sql = new Database(file, { readonly: true });
  try {
    const rows = sql
      .prepare(
        `SELECT a.code, a.title, a.targetText, a.deadline, a.position, a.involvesAllAreas, a.involvedAreas,
                o.code AS objectiveCode, o.position AS objectivePosition, o.areaId, ar.code AS areaCode,
                md.deadline AS manualDeadline, p.status
         FROM Activity a JOIN Objective o ON o.id = a.objectiveId LEFT JOIN Area ar ON ar.id = o.areaId
         LEFT JOIN ManualDeadline md ON md.planYear = ? AND md.activityCode = a.code
         LEFT JOIN Progress p ON p.planYear = ? AND p.activityCode = a.code
         WHERE a.planId = ? AND a.archivedAt IS NULL AND o.archivedAt IS NULL`,
      )
      .all(YEAR, YEAR, planId) as (Omit<Candidate, "areaCode"> & {
      areaId: number | null;
      areaCode: string | null;
      involvesAllAreas: number;
      involvedAreas: string;
      manualDeadline: string | null;
    })[];
    const mine = rows.filter((r) =>
      r.areaId !== null
        ? areaCodes.includes(r.areaCode!)
        : r.involvesAllAreas === 1 ||
          r.involvedAreas === "" ||
          r.involvedAreas.split(",").some((c) => areaCodes.includes(c)),
    );
    return mine
      .filter((r) => r.status !== "completata")
      .map((r) => ({
        code: r.code,
        title: r.title,
        targetText: r.targetText,
        objectiveCode: r.objectiveCode,
        areaCode: r.areaCode,
        deadline: r.manualDeadline ?? r.deadline,
        status: r.status,
        objectivePosition: r.objectivePosition,
        position: r.position,
      }))
      .sort(
        (x, y) =>
          Number(x.deadline === null) - Number(y.deadline === null) ||
          (x.deadline ?? "").localeCompare(y.deadline ?? "") ||
          x.objectivePosition - y.objectivePosition ||
          x.position - y.position,
      );
  } finally {
    sql.close();
  }
}

/** Progress of every kind, deadlines set by hand (earlier, later, on undated activities), Comune-wide activities involving some areas, archived rows, objectives reordered. */
function seed(file: string, planId: number): void {
  const sql = new Database(file);
  try {
    const codes = (
      sql.prepare(`SELECT code FROM Activity WHERE planId = ? ORDER BY id`).all(planId) as { code: string }[]
    ).map((r) => r.code);
    let s = 4242;
    const rnd = () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const at = "2024-09-30T10:00:00.000+00:00";
    const progress = sql.prepare(
      `INSERT INTO Progress (planYear, activityCode, status, lastReportAt, lastReporterId, updatedAt) VALUES (?, ?, ?, ?, 'UTEST', ?)`,
    );
    const manual = sql.prepare(
      `INSERT INTO ManualDeadline (planYear, activityCode, deadline, setBy, setAt) VALUES (?, ?, ?, 'UTEST', ?)`,
    );
    const comuneWide = sql
      .prepare(`SELECT id FROM Objective WHERE planId = ? AND areaId IS NULL ORDER BY position`)
      .all(planId) as { id: number }[];
    const toComuneWide = sql.prepare(
      `UPDATE Activity SET objectiveId = ?, involvesAllAreas = ?, involvedAreas = ? WHERE planId = ? AND code = ?`,
    );
    sql.transaction(() => {
      codes.forEach((code, i) => {
        const r = rnd();
        if (r < 0.25) progress.run(YEAR, code, "completata", at, at);
        else if (r < 0.5) progress.run(YEAR, code, i % 2 ? "in_corso" : "bloccata", at, at);
        if (rnd() < 0.08) {
          const month = String(1 + Math.floor(rnd() * 12)).padStart(2, "0");
          manual.run(YEAR, code, `2024-${month}-${rnd() < 0.5 ? "01" : "15"}`, at);
        }
        if (comuneWide.length && i % 17 === 0) {
          const involved = ["", "03", "01,03", "02", "04,05"][i % 5]!;
          toComuneWide.run(comuneWide[i % comuneWide.length]!.id, i % 51 === 0 ? 1 : 0, involved, planId, code);
        }
      });
      sql.prepare(`UPDATE Activity SET archivedAt = ? WHERE planId = ? AND id % 23 = 0`).run(at, planId);
      // Objective order no longer follows activity order (as after a reordering of the plan).
      sql.prepare(`UPDATE Objective SET position = (id * 37) % 101 WHERE planId = ?`).run(planId);
      sql
        .prepare(
          `UPDATE Objective SET archivedAt = ? WHERE id IN (SELECT id FROM Objective WHERE planId = ? AND id % 29 = 0)`,
        )
        .run(at, planId);
    })();
  } finally {
    sql.close();
  }
}

describe("openActivitiesOfAreas = the plain rule", () => {
  it("gives the same page and count for any area set and page size", async () => {
    const t = await testDatabase();
    disposers.push(t.dispose);
    await importPlanText(t.db, generatePiaoText(1500, YEAR), "generato.txt", {
      actor: "test",
      now: new Date("2024-01-10T10:00:00Z"),
    });
    const plan = await currentPlan(t.db, YEAR);
    seed(t.file, plan.id);
    for (const areas of [["03"], ["01", "03"], ["05"], ["99"]]) {
      const all = reference(t.file, plan.id, areas);
      if (areas[0] !== "99") expect(all.some((r) => r.deadline === null)).toBe(true);
      for (const limit of [1, 7, 20, 400, 5000]) {
        const got = await openActivitiesOfAreas(t.db, plan, areas, limit, "2024-10-07");
        const want = all.slice(0, limit).map(({ objectivePosition: _o, position: _p, ...r }) => r);
        expect({ areas, limit, total: got.total, rows: got.rows }).toEqual({
          areas,
          limit,
          total: all.length,
          rows: want,
        });
      }
    }
  });

  it("with variations in force: varied objectives read as in force, the others by the walks, counted once", async () => {
    const t = await testDatabase();
    disposers.push(t.dispose);
    await importPlanFile(t.db, LEGGIUNO_PLAN, { actor: "test", now: instantOfDay("2024-01-15") });
    const plan = await currentPlan(t.db, YEAR);
    const adopted = reference(t.file, plan.id, ["03"]);
    expect(adopted.map((r) => r.code)).toEqual(expect.arrayContaining(["3.1.4", "3.3.1"]));
    for (const [input, from] of [
      [{ code: "3.1.4", deadline: "31/12/2024" }, "2024-10-01"],
      [{ remove: "3.3.1" }, "2024-10-01"],
    ] as const) {
      const p = await prepareTargetedVariation(t.db, input, {
        act: "Delibera G.C. n. 80",
        validFrom: from,
        reason: "test",
      });
      await applyVariation(t.db, p, { actor: "test", now: instantOfDay(from) });
    }
    const got = await openActivitiesOfAreas(t.db, plan, ["03"], 1000, "2024-10-07");
    const want = adopted
      .filter((r) => r.code !== "3.3.1")
      .map((r) => (r.code === "3.1.4" ? { ...r, deadline: "2024-12-31" } : r));
    expect(got.total).toBe(want.length);
    expect(got.rows.map((r) => r.code).sort()).toEqual(want.map((r) => r.code).sort());
    expect(got.rows.find((r) => r.code === "3.1.4")?.deadline).toBe("2024-12-31");
    const deadlines = got.rows.map((r) => r.deadline ?? "9");
    expect(deadlines).toEqual([...deadlines].sort());
  });
});
