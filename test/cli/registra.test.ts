import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/index.ts";
import { LEGGIUNO_PLAN, testDatabase } from "../helpers/db.ts";

async function cli(args: string[]) {
  let out = "";
  let err = "";
  const code = await runCli(args, { out: (s) => void (out += s), err: (s) => void (err += s) });
  return { code, out, err };
}

describe("obiettivi registra: a fact recorded on someone's behalf", () => {
  let t: Awaited<ReturnType<typeof testDatabase>>;
  let saved: string | undefined;
  beforeEach(async () => {
    t = await testDatabase();
    saved = process.env.DATABASE_URL;
    process.env.DATABASE_URL = t.url;
    expect((await cli(["importa", LEGGIUNO_PLAN])).code).toBe(0);
    expect((await cli(["utenti", "aggiungi", "U0NODARI1", "--ruolo", "responsabile", "--area", "03"])).code).toBe(0);
  });
  afterEach(async () => {
    process.env.DATABASE_URL = saved;
    await t.dispose();
  });

  it("uses the /obiettivo grammar; the report is the person's, entered by the CLI actor; the audit says both", async () => {
    const r = await cli([
      "registra",
      "3.1.2",
      "completato",
      "--utente",
      "U0NODARI1",
      "--il",
      "2024-10-02",
      "--evidenza",
      "Det. n. 44/2024",
      "--nota",
      "per telefono",
    ]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain("per conto di U0NODARI1");
    const report = await t.db.report.findFirstOrThrow({ where: { activityCode: "3.1.2" } });
    expect(report).toMatchObject({
      userId: "U0NODARI1",
      occurredOn: "2024-10-02",
      evidence: "Det. n. 44/2024",
      source: "cli",
    });
    expect(report.enteredBy).toMatch(/^cli:/);
    expect(report.note).toContain("per telefono");
    const [audit] = JSON.parse((await cli(["audit", "--codice", "2024:3.1.2", "--json"])).out);
    expect(audit.actor).toBe(report.enteredBy);
    expect(audit.after.report).toMatchObject({ userId: "U0NODARI1", enteredBy: report.enteredBy });
  });

  it("the person's permissions and the grammar's errors apply: non-zero exit, nothing stored", async () => {
    const other = await cli(["registra", "2.1.4", "60%", "--utente", "U0NODARI1"]);
    expect(other.code).not.toBe(0);
    expect(other.err).toContain("area 02");
    const bad = await cli(["registra", "3.1.2", "boh", "--utente", "U0NODARI1"]);
    expect(bad.code).not.toBe(0);
    expect(bad.err).toContain("Non capisco");
    const unknownUser = await cli(["registra", "3.1.2", "completato", "--utente", "U0NESSUNO"]);
    expect(unknownUser.code).not.toBe(0);
    const future = await cli(["registra", "3.1.2", "completato", "--utente", "U0NODARI1", "--il", "2999-01-01"]);
    expect(future.code).not.toBe(0);
    expect(await t.db.report.count()).toBe(0);
  });
});
