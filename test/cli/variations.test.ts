import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/index.ts";
import { recordReport } from "../../src/store/reports.ts";
import { LEGGIUNO_PLAN, testDatabase } from "../helpers/db.ts";

const PLANS = path.resolve(import.meta.dirname, "../fixtures/plans");
const BREZZO = path.join(PLANS, "brezzo-alto-piao-2025.txt");
const BREZZO_REVISED = path.join(PLANS, "brezzo-alto-piao-2025-variato.txt");

async function cli(args: string[]) {
  let out = "";
  let err = "";
  const code = await runCli(args, { out: (s) => void (out += s), err: (s) => void (err += s) });
  return { code, out, err };
}

type Json = Record<string, any>;

/** The monitoring as JSON, without the one field that may change between runs. */
async function monitoring(day: string): Promise<Json> {
  const r = await cli(["relazione", "--monitoraggio", "--formato", "json", "--oggi", day]);
  expect(r.code, r.err).toBe(0);
  const m = JSON.parse(r.out);
  expect(typeof m.generatedAt).toBe("string");
  delete m.generatedAt;
  return m;
}

function activities(m: Json): Map<string, Json> {
  const out = new Map<string, Json>();
  for (const s of [...m.sections, m.comuneWide])
    for (const o of s.objectives) for (const a of o.activities) out.set(a.code, a);
  return out;
}

function objectives(m: Json): Map<string, Json> {
  const out = new Map<string, Json>();
  for (const s of [...m.sections, m.comuneWide]) for (const o of s.objectives) out.set(o.code, o);
  return out;
}

interface Scenario {
  name: string;
  file: string;
  year: number;
  adoptedAct: string;
  /** A dated activity whose deadline moves, its deadline, the new one. */
  moved: { code: string; from: string; to: string; toIt: string };
  /** A percentage activity whose target is lowered, and a report that meets the new one only. */
  lowered: { code: string; objective: string; from: string; to: string; reported: number };
  removed: string;
  before: string;
  validFrom: string;
  after: string;
}

const SCENARIOS: Scenario[] = [
  {
    name: "Leggiuno 2024",
    file: LEGGIUNO_PLAN,
    year: 2024,
    adoptedAct: "Delibera G.C. n. 5 del 30/01/2024",
    moved: { code: "3.1.4", from: "2024-09-15", to: "2024-12-31", toIt: "31/12/2024" },
    lowered: { code: "2.1.4", objective: "2.1", from: "% > 75", to: "% > 60", reported: 60 },
    removed: "1.3.3",
    before: "2024-06-30",
    validFrom: "2024-09-12",
    after: "2024-10-31",
  },
  {
    name: "Brezzo Alto 2025 (a plan written for this test)",
    file: BREZZO,
    year: 2025,
    adoptedAct: "Delibera G.C. n. 9 del 04/02/2025",
    moved: { code: "12.1.3", from: "2025-09-15", to: "2025-12-31", toIt: "31/12/2025" },
    lowered: { code: "13.1.1", objective: "13.1", from: "% > 80", to: "% > 60", reported: 60 },
    removed: "11.2.3",
    before: "2025-07-31",
    validFrom: "2025-09-01",
    after: "2025-11-30",
  },
];

describe("variations of the plan, as of a date", () => {
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

  for (const s of SCENARIOS) {
    it(`${s.name}: the past stays as it was, later dates use the variation, the removal is listed`, async () => {
      const imp = await cli(["importa", s.file, "--atto", s.adoptedAct]);
      expect(imp.code, imp.err).toBe(0);
      // A report made before the variation, meeting the lowered target but not the adopted one.
      await recordReport(
        t.db,
        {
          planYear: s.year,
          activityCode: s.lowered.code,
          userId: "U0REPORTER",
          kind: "percent",
          value: s.lowered.reported,
          source: "cli",
          occurredOn: s.before,
        },
        new Date(`${s.before}T08:00:00Z`),
      );
      const beforeAny = await monitoring(s.before);
      expect(beforeAny.adopted).toEqual({ act: s.adoptedAct, validFrom: `${s.year}-01-01` });
      expect(activities(beforeAny).get(s.moved.code)).toMatchObject({
        deadline: s.moved.from,
        deadlineSource: "piano",
      });
      const adoptedObjectivePercent = objectives(await monitoring(s.after)).get(s.lowered.objective)!.percent;

      // Without --atto (or --dal): refused in Italian, nothing written.
      const noAct = await cli([
        "variazione",
        "--codice",
        s.moved.code,
        "--scadenza",
        s.moved.toIt,
        "--dal",
        s.validFrom,
        "--motivo",
        "ritardo",
      ]);
      expect(noAct.code).not.toBe(0);
      expect(noAct.err).toContain("manca --atto");
      expect(noAct.err).toContain("Nulla è stato modificato");
      const noDate = await cli([
        "variazione",
        "--stralcia",
        s.removed,
        "--atto",
        "Delibera G.C. n. 80",
        "--motivo",
        "x",
      ]);
      expect(noDate.code).not.toBe(0);
      expect(noDate.err).toContain("--dal");
      const preview = await cli([
        "variazione",
        "--stralcia",
        s.removed,
        "--atto",
        "Delibera G.C. n. 80",
        "--dal",
        s.validFrom,
        "--motivo",
        "x",
        "--anteprima",
      ]);
      expect(preview.code, preview.err).toBe(0);
      expect(preview.out).toContain(`${s.removed} stralciata`);
      expect((await cli(["variazioni", "--json"])).out.trim()).toBe("[]");
      expect(await monitoring(s.before)).toEqual(beforeAny);

      const act = `Delibera G.C. n. 80 del ${s.validFrom.slice(8, 10)}/${s.validFrom.slice(5, 7)}/${s.validFrom.slice(0, 4)}`;
      const common = ["--atto", act, "--dal", s.validFrom, "--motivo", "Rimodulazione di metà anno", "--si"];
      const moved = await cli(["variazione", "--codice", s.moved.code, "--scadenza", s.moved.toIt, ...common]);
      expect(moved.code, moved.err).toBe(0);
      expect(moved.out).toContain(
        `${s.moved.code} scadenza ${s.moved.from.split("-").reverse().join("/")} → ${s.moved.toIt}`,
      );
      expect(
        (await cli(["variazione", "--codice", s.lowered.code, "--valore-atteso", s.lowered.to, ...common])).code,
      ).toBe(0);
      expect((await cli(["variazione", "--stralcia", s.removed, ...common])).code).toBe(0);

      // As of a date before --dal: identical to before the variation.
      expect(await monitoring(s.before)).toEqual(beforeAny);

      // As of a later date: the new deadline and target are used; the removed activity is gone and listed.
      const later = await monitoring(s.after);
      const acts = activities(later);
      expect(acts.get(s.moved.code)).toMatchObject({
        deadline: s.moved.to,
        deadlineSource: "variazione",
        validFrom: s.validFrom,
        act,
      });
      expect(acts.get(s.lowered.code)).toMatchObject({ targetText: s.lowered.to, percent: 100 });
      expect(objectives(later).get(s.lowered.objective)!.percent).toBeGreaterThan(adoptedObjectivePercent ?? 0);
      expect(acts.has(s.removed)).toBe(false);
      expect(later.variations).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            code: s.moved.code,
            field: "deadline",
            from: s.moved.from,
            to: s.moved.to,
            act,
            validFrom: s.validFrom,
            reason: "Rimodulazione di metà anno",
          }),
          expect.objectContaining({ code: s.lowered.code, field: "target", act, validFrom: s.validFrom }),
          expect.objectContaining({ code: s.removed, field: "stralcio", act, validFrom: s.validFrom }),
        ]),
      );
      const md = await cli(["relazione", "--monitoraggio", "--oggi", s.after]);
      expect(md.out).toContain("## Variazioni intervenute");
      expect(md.out).toMatch(
        new RegExp(`\\| ${s.removed.replace(/\./g, "\\.")} \\| stralcio \\| in vigore \\| stralciata \\| ${act} \\|`),
      );
      expect(md.out).toMatch(/^Dati al /m);
      expect(md.out).toMatch(/^Generato il /m);

      // Two runs on the same data differ only in generatedAt.
      expect(await monitoring(s.after)).toEqual(later);

      // The plan on a date.
      const onBefore = JSON.parse((await cli(["piano", "--json", "--al", s.before])).out);
      const onAfter = JSON.parse((await cli(["piano", "--json", "--al", s.after])).out);
      const find = (p: Json, code: string) =>
        p.objectives.flatMap((o: Json) => o.activities).find((a: Json) => a.code === code);
      expect(find(onBefore, s.moved.code)).toMatchObject({
        validFrom: `${s.year}-01-01`,
        indicator: { deadline: s.moved.from },
      });
      expect(find(onBefore, s.moved.code).act).toBeUndefined();
      expect(find(onAfter, s.moved.code)).toMatchObject({
        validFrom: s.validFrom,
        act,
        indicator: { deadline: s.moved.to },
      });
      expect(find(onBefore, s.removed)).toBeDefined();
      expect(find(onAfter, s.removed)).toBeUndefined();

      // The audit names the act and the field before -> after.
      const audit = JSON.parse((await cli(["audit", "--codice", `${s.year}:${s.moved.code}`, "--json"])).out);
      expect(audit[0]).toMatchObject({
        action: "plan_variation",
        before: { deadline: s.moved.from },
        after: { deadline: s.moved.to, act, validFrom: s.validFrom },
      });
    });
  }

  it("a revised document: diff keyed by code (a removed row does not make others look changed), --anteprima writes nothing", async () => {
    expect((await cli(["importa", BREZZO])).code).toBe(0);
    const base = ["--atto", "Delibera G.C. n. 101 del 10/10/2025", "--dal", "2025-10-10", "--motivo", "Assestamento"];
    const preview = await cli(["variazione", BREZZO_REVISED, ...base, "--anteprima"]);
    expect(preview.code, preview.err).toBe(0);
    expect(preview.out).toContain("Aggiunte (1):");
    expect(preview.out).toContain("+ 13.1.3 attività aggiunta");
    expect(preview.out).toContain("- 11.2.3 stralciata");
    expect(preview.out).toContain("~ 12.1.3 scadenza 15/09/2025 → 31/12/2025");
    expect(preview.out).toContain("~ 13.1.1 valore atteso % > 80 → % > 70");
    const changedCodes = [...preview.out.matchAll(/^\s+~ (\S+)/gm)].map((m) => m[1]);
    expect(new Set(changedCodes)).toEqual(new Set(["12.1.3", "13.1.1"]));
    expect((await cli(["variazioni", "--json"])).out.trim()).toBe("[]");

    const applied = await cli(["variazione", BREZZO_REVISED, ...base, "--si"]);
    expect(applied.code, applied.err).toBe(0);
    const rows = JSON.parse((await cli(["variazioni", "--json"])).out);
    expect(rows.map((r: Json) => `${r.code}:${r.field}`).sort()).toEqual(
      ["11.2.3:stralcio", "12.1.3:deadline", "12.1.3:target", "13.1.1:target", "13.1.3:aggiunta"].sort(),
    );
    const mid = JSON.parse((await cli(["piano", "--json", "--al", "2025-06-30"])).out);
    const end = JSON.parse((await cli(["piano", "--json", "--al", "2025-12-31"])).out);
    const codes = (p: Json) => p.objectives.flatMap((o: Json) => o.activities.map((a: Json) => a.code));
    expect(codes(mid)).toContain("11.2.3");
    expect(codes(mid)).not.toContain("13.1.3");
    expect(codes(end)).toContain("13.1.3");
    expect(codes(end)).not.toContain("11.2.3");
    // The same document again: nothing left to vary.
    const again = await cli(["variazione", BREZZO_REVISED, ...base, "--si"]);
    expect(again.out).toContain("Nessuna differenza");
  });

  it("scadenza: works for a target without a date (with --nota), refuses a printed date without an act", async () => {
    expect((await cli(["importa", BREZZO])).code).toBe(0);
    const ok = await cli(["scadenza", "12.2.3", "2025-11-30", "--nota", "termine del bando regionale"]);
    expect(ok.code, ok.err).toBe(0);
    const refused = await cli(["scadenza", "12.1.1", "2025-04-30"]);
    expect(refused.code).not.toBe(0);
    expect(refused.err).toContain("obiettivi variazione");
    expect(
      JSON.parse((await cli(["piano", "--json", "--al", "2025-06-30"])).out)
        .objectives.flatMap((o: Json) => o.activities)
        .find((a: Json) => a.code === "12.1.1").indicator.deadline,
    ).toBe("2025-02-28");
    const asVariation = await cli([
      "scadenza",
      "12.1.1",
      "2025-04-30",
      "--atto",
      "Delibera G.C. n. 30",
      "--dal",
      "2025-02-20",
      "--motivo",
      "Parere tardivo",
    ]);
    expect(asVariation.code, asVariation.err).toBe(0);
    const plan = JSON.parse((await cli(["piano", "--json", "--al", "2025-06-30"])).out);
    const all = plan.objectives.flatMap((o: Json) => o.activities);
    expect(all.find((a: Json) => a.code === "12.1.1")).toMatchObject({
      indicator: { deadline: "2025-04-30" },
      act: "Delibera G.C. n. 30",
    });
    expect(all.find((a: Json) => a.code === "12.2.3").indicator.deadline).toBe("2025-11-30");
  });

  it("SMVP versions are dated: the Relazione names the one in force on the date and warns when it was made after the period", async () => {
    expect((await cli(["importa", BREZZO])).code).toBe(0);
    const { writeFileSync } = await import("node:fs");
    const file = path.join(path.dirname(t.file), "smvp.json");
    writeFileSync(file, JSON.stringify({ maxPoints: 30 }));
    expect(
      (await cli(["smvp", "imposta", file, "--dal", "2025-07-01", "--atto", "Delibera G.C. n. 50 del 01/07/2025"]))
        .code,
    ).toBe(0);
    const june = JSON.parse(
      (await cli(["relazione", "--formato", "json", "--oggi", "2025-06-30", "--monitoraggio"])).out,
    );
    expect(june.rules.version).toBeNull();
    expect(june.maxPoints).toBe(40);
    const dec = JSON.parse((await cli(["relazione", "--formato", "json", "--oggi", "2025-12-31"])).out);
    expect(dec.rules).toMatchObject({ version: 1, validFrom: "2025-07-01", act: "Delibera G.C. n. 50 del 01/07/2025" });
    expect(dec.maxPoints).toBe(30);
    // Made now (after 2025): the Relazione says so.
    expect(dec.rules.warning).toContain("dopo la fine del periodo valutato");
    const md = await cli(["relazione", "--oggi", "2025-12-31"]);
    expect(md.out).toContain("versione 1 in vigore dal 01/07/2025 (Delibera G.C. n. 50 del 01/07/2025)");
  });
});
