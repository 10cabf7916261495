import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixedClock } from "../../src/clock.ts";
import { instantOfDay } from "../../src/domain/calendar/days.ts";
import { addUser } from "../../src/app/users.ts";
import { loadEnv } from "../../src/env.ts";
import { createLogger } from "../../src/logger.ts";
import { importPlanFile } from "../../src/plan-import/import-plan.ts";
import { handleStato } from "../../src/slack/handlers.ts";
import { LEGGIUNO_PLAN, testDatabase } from "../helpers/db.ts";

/** Random and hostile /stato texts: each gets a clear Italian answer; nothing throws, is logged as an error, or is written. */

const USER = "U0FUZZ001";

/** A small seeded generator (mulberry32), so a failure can be replayed. */
function rng(seed: number) {
  let a = seed;
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = [
  "tecnica",
  "3",
  "03",
  "ente",
  "tutte",
  "2024",
  "2023",
  "2099",
  "area",
  "servizi",
  "polizia",
  "affari",
  "generali",
  "'; DROP TABLE Area; --",
  '" OR 1=1 --',
  "%",
  "_",
  "*",
  "<!channel>",
  "<@U123>",
  "<#C1|x>",
  "&amp;",
  "`",
  "```",
  "\u0000",
  "\u202e",
  "\t",
  "\n",
  "🙂",
  "🏛️",
  "ÀÉÌÒÙ",
  "çñß",
  "中文",
  "العربية",
  "9".repeat(40),
  "-1",
  "3.1.2",
  "1e309",
  "NaN",
  "undefined",
  "null",
  "__proto__",
  "constructor",
  "${x}",
  "{{x}}",
  "../../etc/passwd",
  "tecnica".repeat(300),
];

function hostile(next: () => number): string {
  const n = 1 + Math.floor(next() * 5);
  const parts: string[] = [];
  for (let i = 0; i < n; i++) {
    if (next() < 0.7) parts.push(PIECES[Math.floor(next() * PIECES.length)]!);
    else
      parts.push(
        String.fromCodePoint(...Array.from({ length: 1 + Math.floor(next() * 12) }, () => Math.floor(next() * 0x2fff))),
      );
  }
  return parts.join(next() < 0.5 ? " " : "");
}

describe("/stato against random and hostile text", () => {
  let t: Awaited<ReturnType<typeof testDatabase>>;
  beforeAll(async () => {
    t = await testDatabase();
    await importPlanFile(t.db, LEGGIUNO_PLAN, { actor: "test", now: instantOfDay("2024-01-15") });
    await addUser(t.db, { slackUserId: USER, role: "nucleo" }, { actor: "test", now: instantOfDay("2024-01-15") });
  });
  afterAll(async () => {
    await t.dispose();
  });

  it("answers every one of 600 texts in Italian, without errors or writes", async () => {
    const errors: string[] = [];
    const log = createLogger("error", [], { write: (line: string) => void errors.push(line) });
    const deps = { db: t.db, clock: fixedClock("2024-10-07"), log, env: loadEnv({ LOG_LEVEL: "error" }) };
    const auditBefore = await t.db.auditEntry.count();
    const next = rng(20241007);
    const texts = ["", " ", "\n\n", ...Array.from({ length: 597 }, () => hostile(next))];
    const expected =
      /^(Stato |Nessuna area del piano 2024 corrisponde|«.*» corrisponde a più aree|Nessun piano caricato per l'anno)/s;
    for (const text of texts) {
      const reply = await handleStato(deps, { userId: USER, text });
      expect(reply.text, JSON.stringify(text)).toMatch(expected);
      expect(reply.text.length).toBeLessThanOrEqual(3000);
      expect(reply.blocks.length).toBeGreaterThan(0);
      const json = JSON.stringify(reply.blocks);
      expect(json, JSON.stringify(text)).not.toMatch(/<!(channel|here|everyone)|<@U123>|<#C1/);
    }
    expect(errors).toEqual([]);
    expect(await t.db.auditEntry.count()).toBe(auditBefore);
  });
});
