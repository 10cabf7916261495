import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parse as parseCsv } from "csv-parse/sync";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { readPlanFile } from "../../src/plan-import/import-plan.ts";
import type { ParsedPlan } from "../../src/plan-import/parse-piao.ts";
import { cli, cliDatabase } from "../helpers/cli.ts";

const PLANS = path.resolve(import.meta.dirname, "../fixtures/plans");
const BREZZO = path.join(PLANS, "brezzo-alto-piao-2025.txt");
/** Adds 13.1.3, removes 11.2.3, moves 12.1.3 to 31/12, lowers 13.1.1 to "% > 70". */
const BREZZO_REVISED = path.join(PLANS, "brezzo-alto-piao-2025-variato.txt");

const VALID_FROM = "2025-09-01";
const DAY_BEFORE = "2025-08-31";
const ACT = "Delibera G.C. n. 80 del 01/09/2025";
const META = ["--atto", ACT, "--dal", VALID_FROM, "--motivo", "Assestamento di metà anno", "--si"];

type Json = Record<string, any>;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), "obiettivi-export-in-force-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string) => path.join(dir, name);

async function ok(args: string[]) {
  const r = await cli(args);
  expect(r.code, `${args.join(" ")}: ${r.err}`).toBe(0);
  return r;
}

const planJson = async (...args: string[]): Promise<Json> => JSON.parse((await ok(["piano", "--json", ...args])).out);

/** `piano --json --al` also says since when each activity is in force: the plan itself is the rest. */
function undated(p: Json): Json {
  return {
    ...p,
    objectives: p.objectives.map((o: Json) => ({
      ...o,
      activities: o.activities.map(({ validFrom: _v, act: _a, ...a }: Json) => a),
    })),
  };
}

function activity(p: ParsedPlan, code: string) {
  return p.activities.find((a) => a.code === code);
}

describe("esporta-piano: the plan in force, on a day, or as adopted", () => {
  let db: Awaited<ReturnType<typeof cliDatabase>>;
  let adopted: Json;
  beforeEach(async () => {
    db = await cliDatabase();
    await ok(["importa", BREZZO, "--atto", "Delibera G.C. n. 9 del 04/02/2025"]);
    adopted = await planJson();
    // One deliberation: a revised document (an activity added, one removed, a target and a
    // deadline changed), then an objective's weight, a phase's weight, a deadline alone.
    await ok(["variazione", BREZZO_REVISED, ...META]);
    await ok(["variazione", "--codice", "11.1", "--peso", "25", ...META]);
    await ok(["variazione", "--codice", "11.1.1", "--peso", "40", ...META]);
    await ok(["variazione", "--codice", "12.1.2", "--scadenza", "30/06/2025", ...META]);
  });
  afterEach(async () => {
    vi.useRealTimers();
    await db.dispose();
  });

  /** Exports with `args`, imports the file into an empty database, returns what it read and that database's `piano --json`. */
  async function roundTrip(format: "csv" | "xlsx", name: string, args: string[]) {
    const out = file(`${name}.${format}`);
    await ok(["esporta-piano", "--formato", format, "--output", out, ...args]);
    const read = await readPlanFile(out);
    const other = await cliDatabase();
    try {
      await ok(["importa", out]);
      return { out, read, plan: await planJson() };
    } finally {
      await other.dispose();
      process.env.DATABASE_URL = db.url;
    }
  }

  for (const format of ["csv", "xlsx"] as const) {
    it(`${format}: by default the plan in force today, and it imports back to the same plan`, async () => {
      const inForce = await planJson();
      expect(inForce).not.toEqual(adopted);
      const { read, plan } = await roundTrip(format, "oggi", []);

      expect(activity(read, "13.1.1")?.targetText).toBe("% > 70");
      expect(activity(read, "13.1.3")).toBeDefined();
      expect(activity(read, "11.2.3")).toBeUndefined();
      expect(activity(read, "11.1.1")?.weight).toBe(40);
      expect(read.objectives.find((o) => o.code === "11.1")?.weight).toBe(25);
      expect(activity(read, "12.1.3")?.target.deadline).toBe("2025-12-31");
      // Varied alone, the deadline is no longer the one its text says ("31 Maggio 2025").
      expect(activity(read, "12.1.2")).toMatchObject({ targetText: "31 Maggio 2025" });
      expect(activity(read, "12.1.2")?.target.deadline).toBe("2025-06-30");

      expect(plan).toEqual(inForce);
    });

    it(`${format}: --al a day before the variation and --adottato give the plan as adopted`, async () => {
      const before = await roundTrip(format, "prima", ["--al", DAY_BEFORE]);
      expect(activity(before.read, "13.1.1")?.targetText).toBe("% > 80");
      expect(activity(before.read, "13.1.3")).toBeUndefined();
      expect(activity(before.read, "11.2.3")).toBeDefined();
      expect(activity(before.read, "11.1.1")?.weight).toBeNull();
      expect(activity(before.read, "12.1.2")?.target.deadline).toBe("2025-05-31");
      expect(before.plan).toEqual(adopted);
      expect(before.plan).toEqual(undated(await planJson("--al", DAY_BEFORE)));

      const asAdopted = await roundTrip(format, "adottato", ["--adottato"]);
      expect(activity(asAdopted.read, "13.1.3")).toBeUndefined();
      expect(activity(asAdopted.read, "11.1.1")?.weight).toBeNull();
      expect(asAdopted.plan).toEqual(adopted);
      if (format === "csv") expect(readFileSync(asAdopted.out, "utf8")).toBe(readFileSync(before.out, "utf8"));
    });
  }

  it("today comes from the clock: before the variation takes effect, the export is the adopted plan", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date(`${DAY_BEFORE}T10:00:00Z`));
    const out = file("agosto.csv");
    await ok(["esporta-piano", "--csv", "--output", out]);
    const read = await readPlanFile(out);
    expect(activity(read, "13.1.1")?.targetText).toBe("% > 80");
    expect(activity(read, "11.2.3")).toBeDefined();
  });

  it("--adottato with --al is refused in Italian, and a bad --al like piano's", async () => {
    const both = await cli(["esporta-piano", "--adottato", "--al", DAY_BEFORE, "--output", file("x.csv")]);
    expect(both.code).not.toBe(0);
    expect(both.err).toContain("--adottato");
    expect(both.err).toContain("non entrambi");
    const bad = await cli(["esporta-piano", "--al", "31/08/2025", "--output", file("y.csv")]);
    expect(bad.code).not.toBe(0);
    expect(bad.err).toBe((await cli(["piano", "--al", "31/08/2025"])).err);
    const help = await cli(["esporta-piano", "--help"]);
    expect(help.out + help.err).toContain("--adottato");
    expect(help.out + help.err).toContain("--al <data>");
  });

  it("deadlines set by hand are still exported beside the plan's, in both formats", async () => {
    await ok(["scadenza", "12.2.3", "30/11/2025"]);
    const csv = file("a-mano.csv");
    await ok(["esporta-piano", "--csv", "--output", csv]);
    const rows = parseCsv(readFileSync(csv, "utf8"), { columns: true, delimiter: ";", bom: true }) as Json[];
    expect(rows.find((r) => r.codice_attivita === "12.2.3")).toMatchObject({
      scadenza_manuale: "2025-11-30",
      scadenza: "",
    });
    expect(rows.find((r) => r.codice_attivita === "11.1.1")).toMatchObject({ peso: "40" });
    const xlsx = file("a-mano.xlsx");
    await ok(["esporta-piano", "--formato", "xlsx", "--output", xlsx]);
    const { default: Excel } = await import("exceljs");
    const wb = new Excel.Workbook();
    await wb.xlsx.readFile(xlsx);
    const ws = wb.getWorksheet("Attività")!;
    let manualColumn = 0;
    ws.getRow(1).eachCell((c, n) => {
      if (c.value === "Scadenza impostata a mano") manualColumn = n;
    });
    let found: unknown = null;
    ws.eachRow((r) => {
      if (r.getCell(1).value === "12.2.3") found = r.getCell(manualColumn).value;
    });
    expect(found).toEqual(new Date("2025-11-30T00:00:00Z"));
  });
});
