import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildDigests } from "../../src/app/digest.ts";
import { applyVariation, prepareTargetedVariation } from "../../src/app/variations.ts";
import type { Db } from "../../src/db/client.ts";
import {
  assembleDigests,
  mergePace,
  paceClock,
  pacedRow,
  replayedCounts,
  type PaceRow,
} from "../../src/domain/digest/digest.ts";
import { importPlanFile } from "../../src/plan-import/import-plan.ts";
import { countReportsOf } from "../../src/store/digest.ts";
import { loadPlanInForce } from "../../src/store/plan-definitions.ts";
import { currentPlan } from "../../src/store/plan.ts";
import { LEGGIUNO_PLAN, testDatabase } from "../helpers/db.ts";
import { countReport, variedPacePlan } from "../helpers/pace-variations.ts";

type TestDb = Awaited<ReturnType<typeof testDatabase>>;

/**
 * paceRows (SQL) is the twin of the domain's pace rule (pacedRow, isBehind, counted by
 * deriveProgress): the digest's behind-pace list must be what the rule alone gives when it
 * judges every activity in force on the day, on a plan never varied (all SQL) and on a
 * varied one (the varied objectives by the rule, the rest by SQL, merged).
 */

/** The behind-pace rows by the domain alone: every activity in force, every count replayed. */
async function byTheRule(db: Db, today: string, shown: number): Promise<PaceRow[]> {
  const plan = await currentPlan(db, 2024);
  const inForce = await loadPlanInForce(db, plan, today);
  const clock = paceClock(plan.year, today);
  const areaOf = new Map(inForce.objectives.map((o) => [o.code, o.areaCode]));
  const status = new Map(
    (await db.progress.findMany({ where: { planYear: plan.year } })).map((p) => [p.activityCode, p.status]),
  );
  const rows: PaceRow[] = [];
  for (const a of inForce.activities) {
    const areaCode = areaOf.get(a.objectiveCode);
    if (!areaCode) continue;
    const row = pacedRow(
      {
        areaCode,
        code: a.code,
        title: a.title,
        objectiveCode: a.objectiveCode,
        targetText: a.target.text,
        targetKind: a.target.kind,
        threshold: a.target.threshold,
        period: a.target.period,
        qualifier: a.target.qualifier,
        position: a.position,
        status: status.get(a.code) ?? null,
      },
      clock,
    );
    if (row) rows.push(row);
  }
  const reports = await countReportsOf(
    db,
    plan.year,
    rows.map((r) => r.code),
    clock.asOf,
  );
  return mergePace(rows, replayedCounts(rows, reports, clock), shown);
}

/** A small deterministic generator (mulberry32): the same reports in both databases. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let x = Math.imul(s ^ (s >>> 15), 1 | s);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

const PERIODS = ["day", "week", "month", "year"] as const;
const THRESHOLDS = [0.1, 2.5, 1, 7 / 3, 3, 0.5];

/** The Leggiuno plan with a pace on every count target, some completed, and random dated reports. */
async function pacedPlan(t: TestDb, vary: (t: TestDb) => Promise<void> = async () => {}): Promise<void> {
  const db = t.db;
  await importPlanFile(db, LEGGIUNO_PLAN, { actor: "test", now: new Date("2024-01-10T09:00:00Z") });
  // Varied first: a revised document is diffed against the stored rows, which the paces below edit.
  await vary(t);
  const counts = await db.activity.findMany({
    where: { targetKind: "count" },
    orderBy: { code: "asc" },
    select: { code: true, period: true, qualifier: true },
  });
  for (const a of counts) {
    const i = [...a.code].reduce((sum, c) => sum + c.charCodeAt(0), 0);
    if (a.period === null)
      await db.activity.updateMany({
        where: { code: a.code },
        data: { period: PERIODS[i % 4], threshold: THRESHOLDS[i % THRESHOLDS.length] },
      });
    if (i % 7 === 3)
      await db.progress.create({
        data: { planYear: 2024, activityCode: a.code, status: "completata", updatedAt: new Date("2024-06-01") },
      });
  }
  const next = random(20241007);
  for (const { code } of counts) {
    const n = Math.floor(next() * 14);
    for (let k = 0; k < n; k++) {
      const day = new Date(Date.UTC(2024, 0, 1) + Math.floor(next() * 380) * 86_400_000).toISOString().slice(0, 10);
      if (day > "2024-12-31") continue;
      const r = next();
      if (r < 0.1) await countReport(db, code, "count_set", Math.floor(next() * 30), day);
      else await countReport(db, code, "count_add", 1 + Math.floor(next() * 6), day);
    }
  }
}

const DAYS = [
  "2023-12-31",
  "2024-01-01",
  "2024-03-15",
  "2024-09-09",
  "2024-09-12",
  "2024-10-07",
  "2024-12-31",
  "2025-01-10",
];

describe("the digest's behind-pace list is the pace rule's", () => {
  let plain: TestDb;
  let varied: TestDb;
  beforeAll(async () => {
    plain = await testDatabase();
    varied = await testDatabase();
    await pacedPlan(plain);
    await pacedPlan(varied, async (t) => {
      await variedPacePlan(t);
      // Area 04: objective 4.4 is varied (judged by the rule), its other objectives stay in SQL.
      const meta = { act: "Delibera G.C. n. 92", validFrom: "2024-09-12", reason: "test" };
      const p = await prepareTargetedVariation(t.db, { code: "4.4.1", target: "> 2 alla settimana" }, meta);
      await applyVariation(t.db, p, { actor: "test", now: new Date("2024-09-12T10:00:00Z") });
    });
  }, 60_000);
  afterAll(async () => {
    await plain.dispose();
    await varied.dispose();
  });

  for (const [name, db] of [
    ["never varied (all SQL)", () => plain],
    ["varied (SQL and rule merged)", () => varied],
  ] as const) {
    it(`on a plan ${name}, on days across the year, whole and cut`, async () => {
      const t = db();
      const plan = await currentPlan(t.db, 2024);
      const areas = await t.db.area.findMany({ where: { planId: plan.id, archivedAt: null } });
      let listed = 0;
      for (const today of DAYS)
        for (const shown of [50, 2]) {
          const got = await buildDigests(t.db, { today, shown });
          const want = assembleDigests({
            plan,
            today,
            areas,
            heads: [],
            deadlines: [],
            pace: await byTheRule(t.db, today, shown),
            wide: [],
            completion: new Map(),
          });
          for (const d of got.digests) {
            const w = want.digests.find((x) => x.area.code === d.area.code)!;
            expect(d.behindPace, `${today} shown ${shown} area ${d.area.code}`).toEqual(w.behindPace);
            listed += d.behindPace.items.length;
          }
        }
      expect(listed).toBeGreaterThan(50);
    });
  }

  it("the varied plan's areas mix both paths", async () => {
    const d = (await buildDigests(varied.db, { today: "2024-10-07", shown: 50 })).digests.find(
      (x) => x.area.code === "04",
    )!;
    const codes = d.behindPace.items.map((p) => p.code);
    expect(codes.some((c) => c.startsWith("4.4."))).toBe(true); // by the rule
    expect(codes.some((c) => !c.startsWith("4.4."))).toBe(true); // by SQL
  });
});
