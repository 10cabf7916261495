import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/index.ts";
import { LEGGIUNO_PLAN, testDatabase } from "../helpers/db.ts";

async function cli(args: string[]) {
  let out = "";
  let err = "";
  const code = await runCli(args, { out: (s) => void (out += s), err: (s) => void (err += s) });
  return { code, out, err };
}

describe("obiettivi importa / piano", () => {
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

  it("imports, reports the anomalies in Italian, and prints the plan as JSON in the agreed shape", async () => {
    const imp = await cli(["importa", LEGGIUNO_PLAN]);
    expect(imp.code).toBe(0);
    expect(imp.out).toContain("5 aree, 20 obiettivi di area, 8 obiettivi di ente");
    expect(imp.out).toContain("Anomalie del documento");
    expect(imp.out).toContain("1005.1.4");
    const again = await cli(["importa", LEGGIUNO_PLAN]);
    expect(again.out).toContain("Nessuna modifica");

    const js = await cli(["piano", "--json"]);
    expect(js.code).toBe(0);
    const plan = JSON.parse(js.out);
    expect(plan.year).toBe(2024);
    expect(plan.entity).toBe("Comune di Leggiuno");
    expect(plan.areas).toContainEqual({ code: "03", name: "Area Tecnico Manutentiva", head: "Claudia Nodari" });
    const o31 = plan.objectives.find((o: any) => o.code === "3.1");
    expect(o31).toMatchObject({ areaCode: "03", weight: 10 });
    const a312 = o31.activities.find((a: any) => a.code === "3.1.2");
    expect(a312).toMatchObject({
      printedCode: "3.1.2",
      indicator: {
        kind: "deadline",
        target: "31 Dicembre 2024",
        deadline: "2024-12-31",
        threshold: null,
        period: null,
      },
    });
    expect(plan.objectives.filter((o: any) => o.areaCode === null)).toHaveLength(8);
    expect(plan.anomalies.length).toBeGreaterThan(0);
    for (const a of plan.anomalies) expect(Object.keys(a).sort()).toEqual(["code", "kind", "message"]);

    const tree = await cli(["piano"]);
    expect(tree.out).toContain("03. Area Tecnico Manutentiva — responsabile Claudia Nodari");
  });

  it("a file that is not a plan: clear Italian error, non-zero exit", async () => {
    const r = await cli(["importa", "package.json"]);
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/piano/i);
    expect(r.err).not.toMatch(/at .*\.ts:\d+/);
    const missing = await cli(["importa", "/nessun/file.txt"]);
    expect(missing.code).not.toBe(0);
    expect(missing.err).toContain("File non trovato");
  });

  it("scadenza sets a deadline by hand; bad input is refused in Italian", async () => {
    await cli(["importa", LEGGIUNO_PLAN]);
    const ok = await cli(["scadenza", "2.2.5", "2024-11-30"]);
    expect(ok.code).toBe(0);
    expect(ok.out).toContain("30 novembre 2024");
    const bad = await cli(["scadenza", "2.2.5", "domani"]);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain("Data non valida");
    const unknown = await cli(["scadenza", "9.9.9", "2024-11-30"]);
    expect(unknown.err).toContain("Nessuna attività");
  });
});
