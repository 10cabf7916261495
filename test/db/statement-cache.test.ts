import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reusePreparedStatements, statementsPrepared } from "../../src/db/statement-cache.ts";
import { testDatabase } from "../helpers/db.ts";

describe("prepared statements reused on the bot's connection", () => {
  let database: Awaited<ReturnType<typeof testDatabase>>;
  beforeAll(async () => {
    database = await testDatabase();
  });
  afterAll(async () => {
    await database?.dispose();
  });

  it("the same query asked again with other values is answered right, from one statement", async () => {
    const before = statementsPrepared();
    for (let i = 0; i < 20; i++) {
      const rows = await database.db.$queryRaw<{ n: bigint | number }[]>`SELECT ${i} + 1 AS n`;
      expect(Number(rows[0]!.n)).toBe(i + 1);
    }
    // the adapter's connection goes through the cache (so this can fail): at most one new statement
    expect(statementsPrepared() - before).toBeLessThanOrEqual(1);
    expect(statementsPrepared()).toBeGreaterThan(0);
  });

  it("writes, transactions and a failing statement keep working through kept statements", async () => {
    const { db } = database;
    const now = new Date("2025-01-15T10:00:00Z");
    for (const id of ["U0A", "U0B"])
      await db.$transaction((tx) => tx.user.create({ data: { slackUserId: id, role: "dipendente", createdAt: now } }));
    await expect(
      db.$transaction((tx) => tx.user.create({ data: { slackUserId: "U0A", role: "dipendente", createdAt: now } })),
    ).rejects.toThrow();
    const users = await db.user.findMany({
      where: { slackUserId: { in: ["U0A", "U0B"] } },
      orderBy: { slackUserId: "asc" },
    });
    expect(users.map((u) => u.slackUserId)).toEqual(["U0A", "U0B"]);
  });

  it("keeps at most the number it is given, the least recently used let go", () => {
    const raw = new Database(":memory:");
    reusePreparedStatements(raw, 2);
    const before = statementsPrepared();
    const ask = (sql: string) =>
      (raw.prepare(sql) as unknown as { bind(a: unknown[]): { raw(): { all(): unknown[] } } }).bind([]).raw().all();
    expect(ask("SELECT 1")).toEqual([[1]]);
    ask("SELECT 2");
    ask("SELECT 1"); // kept
    ask("SELECT 3"); // lets SELECT 2 go
    ask("SELECT 2"); // prepared again
    expect(statementsPrepared() - before).toBe(4);
    raw.close();
  });
});
