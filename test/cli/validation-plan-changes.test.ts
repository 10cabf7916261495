import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/index.ts";
import { LEGGIUNO_PLAN, testDatabase } from "../helpers/db.ts";

/**
 * The checks that read the plan's history: an activity stralciata by a variation with its act
 * is fine, one dropped by re-importing a document is not; a deadline set by hand has no act;
 * SMVP rules written after the period fail their check.
 */

const TODAY = "2025-01-20";
let database: Awaited<ReturnType<typeof testDatabase>>;
let dir: string;
let saved: string | undefined;

async function cli(args: string[]) {
  let out = "";
  let err = "";
  const code = await runCli(args, { out: (s) => void (out += s), err: (s) => void (err += s) });
  return { code, out, err };
}

type Check = { ok: boolean; codes: string[]; items: { code: string | null; text: string }[] };
type CheckId = "missing_activity" | "manual_deadline" | "scoring_rules_after_period";

async function checks(): Promise<Record<CheckId, Check>> {
  const r = await cli(["validazione", "--anno", "2024", "--al", TODAY, "--formato", "json", "--seme", "s"]);
  expect(r.code, r.err).toBe(0);
  const p = JSON.parse(r.out) as {
    checks: { id: string; ok: boolean; codes: string[]; items: { code: string | null; text: string }[] }[];
  };
  const byId = new Map(p.checks.map((c) => [c.id, c]));
  const get = (id: CheckId): Check => byId.get(id) ?? expect.unreachable(`manca il controllo ${id}`);
  return {
    missing_activity: get("missing_activity"),
    manual_deadline: get("manual_deadline"),
    scoring_rules_after_period: get("scoring_rules_after_period"),
  };
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "obiettivi-validazione-piano-"));
  database = await testDatabase();
  saved = process.env.DATABASE_URL;
  process.env.DATABASE_URL = database.url;
  expect((await cli(["importa", LEGGIUNO_PLAN])).code).toBe(0);
});

afterAll(async () => {
  process.env.DATABASE_URL = saved;
  await database?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe("validation checks on the plan's history", () => {
  it("an adopted plan untouched: every activity present", async () => {
    expect((await checks()).missing_activity).toMatchObject({ ok: true, codes: [] });
  });

  it("a stralcio with its act passes; the act is listed", async () => {
    const v = await cli([
      "variazione",
      "--stralcia",
      "1.3.3",
      "--atto",
      "Delibera G.C. n. 80 del 12/09/2024",
      "--dal",
      "2024-09-12",
      "--motivo",
      "attività non più necessaria",
      "--si",
    ]);
    expect(v.code, v.err).toBe(0);
    const c = (await checks()).missing_activity;
    expect(c).toMatchObject({ ok: true, codes: [] });
    expect(c.items.map((i) => i.text).join("\n")).toContain("1.3.3");
    expect(c.items.map((i) => i.text).join("\n")).toContain("Delibera G.C. n. 80 del 12/09/2024");
  });

  it("an activity dropped by re-importing a document, with no act, fails the check", async () => {
    const text = readFileSync(LEGGIUNO_PLAN, "utf8");
    const lines = text.split("\n");
    const i = lines.findIndex((l) => /^\s*3\.4\.1\b/.test(l) || /\t3\.4\.1\t/.test(l));
    expect(i).toBeGreaterThan(-1);
    const edited = path.join(dir, "piano-senza-341.txt");
    writeFileSync(edited, [...lines.slice(0, i), ...lines.slice(i + 1)].join("\n"));
    const imp = await cli(["importa", edited]);
    expect(imp.code, imp.err).toBe(0);
    const c = (await checks()).missing_activity;
    expect(c.ok).toBe(false);
    expect(c.codes).toContain("3.4.1");
    expect(c.codes).not.toContain("1.3.3");
  });

  it("a deadline set by hand is listed with its author and no act", async () => {
    const r = await cli(["scadenza", "2.2.5", "2024-11-30", "--nota", "termine comunicato dal Ministero"]);
    expect(r.code, r.err).toBe(0);
    const c = (await checks()).manual_deadline;
    expect(c).toMatchObject({ ok: false, codes: ["2.2.5"] });
    expect(c.items[0]!.text).toMatch(/2\.2\.5: scadenza 30\/11\/2024 impostata da cli:/);
    expect(c.items[0]!.text).toContain("termine comunicato dal Ministero");
  });

  it("SMVP rules set after the end of the period fail their check", async () => {
    expect((await checks()).scoring_rules_after_period.ok).toBe(true);
    const file = path.join(dir, "smvp.json");
    writeFileSync(file, JSON.stringify({ maxPoints: 40 }));
    const set = await cli(["smvp", "imposta", file, "--anno", "2024"]);
    expect(set.code, set.err).toBe(0);
    // Set today (real clock, after 31/12/2024).
    const c = (await checks()).scoring_rules_after_period;
    expect(c.ok).toBe(false);
    expect(c.codes).toEqual([]);
  });
});
