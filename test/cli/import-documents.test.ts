import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/index.ts";
import { LEGGIUNO_PLAN, testDatabase } from "../helpers/db.ts";

const DIR = path.resolve(import.meta.dirname, "../fixtures/plans");

async function cli(args: string[]) {
  let out = "";
  let err = "";
  const code = await runCli(args, {
    out: (s) => {
      out += s;
    },
    err: (s) => {
      err += s;
    },
  });
  return { code, out, err };
}

describe("obiettivi importa piano.docx / piano.pdf", () => {
  let t: Awaited<ReturnType<typeof testDatabase>>;
  let saved: string | undefined;
  beforeEach(async () => {
    t = await testDatabase();
    saved = process.env.DATABASE_URL;
    process.env.DATABASE_URL = t.url;
  });
  afterEach(async () => {
    process.env.DATABASE_URL = saved;
    await t.dispose();
  });

  const snapshot = async () => ({
    plans: await t.db.plan.findMany(),
    areas: await t.db.area.count(),
    objectives: await t.db.objective.count(),
    activities: await t.db.activity.findMany({ orderBy: { id: "asc" } }),
    anomalies: await t.db.planAnomaly.count(),
    audit: await t.db.auditEntry.count(),
  });

  it("a PDF of schede and Gantt grids: imported, phase weights shown in piano --json", async () => {
    const imp = await cli(["importa", path.join(DIR, "valdorno-schede-2025.pdf")]);
    expect(imp.err).toBe("");
    expect(imp.code).toBe(0);
    expect(imp.out).toContain("3 aree, 6 obiettivi di area, 1 obiettivi di ente");
    const js = await cli(["piano", "--json"]);
    const plan = JSON.parse(js.out);
    expect(plan.entity).toBe("Comune di Valdorno");
    const o23 = plan.objectives.find((o: { code: string }) => o.code === "2.3");
    expect(o23.weight).toBe(50);
    expect(
      o23.activities.map((a: { code: string; weight: number | null; indicator: { deadline: string } }) => [
        a.code,
        a.weight,
        a.indicator.deadline,
      ]),
    ).toEqual([
      ["2.3.1", 20, "2025-02-28"],
      ["2.3.2", 30, "2025-05-31"],
      ["2.3.3", 40, "2025-08-31"],
      ["2.3.4", 10, "2025-10-31"],
    ]);
    const e1 = plan.objectives.find((o: { code: string }) => o.code === "E1");
    expect(e1.activities.map((a: { weight: number | null }) => a.weight)).toEqual([null, null]);
  });

  it("a Word file of the Leggiuno plan imports as the text does", async () => {
    const imp = await cli(["importa", path.join(DIR, "leggiuno-piao-2024.docx")]);
    expect(imp.code).toBe(0);
    expect(imp.out).toContain("5 aree, 20 obiettivi di area, 8 obiettivi di ente");
    expect(
      await t.db.activity.count({
        where: { objective: { areaId: { not: null } } },
      }),
    ).toBe(105);
  });

  it("a scan and a broken Word file: Italian message, exit code not 0, nothing changed", async () => {
    expect((await cli(["importa", LEGGIUNO_PLAN])).code).toBe(0);
    const before = await snapshot();

    const scan = await cli(["importa", path.join(DIR, "scansione-piano.pdf")]);
    expect(scan.code).not.toBe(0);
    expect(scan.err).toMatch(/è una scansione/);
    expect(scan.err).toMatch(/modello Excel/);
    expect(scan.err).not.toMatch(/at .*\.ts:\d+/);

    const broken = await cli(["importa", path.join(DIR, "piano-troncato.docx")]);
    expect(broken.code).not.toBe(0);
    expect(broken.err).toMatch(/non è un documento Word leggibile/);

    expect(await snapshot()).toEqual(before);
  });
});
