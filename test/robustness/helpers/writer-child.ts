/**
 * The bot's way of writing, in a process of its own: Prisma transactions, each adding a
 * Report and its audit row, as fast as it can until stdin closes. Prints "started" once
 * writing, and the number of committed transactions at the end.
 */
import { openDatabase } from "../../../src/db/client.ts";
import { appendAudit } from "../../../src/store/audit.ts";

const [file] = process.argv.slice(2);
const { db, close } = await openDatabase(`file:${file}`);
let stop = false;
process.stdin.on("data", () => {});
process.stdin.on("end", () => {
  stop = true;
});
let n = 0;
while (!stop) {
  await db.$transaction(async (tx) => {
    const at = new Date();
    const r = await tx.report.create({
      data: {
        planYear: 2024,
        activityCode: `9.${n}`,
        userId: "UWRITER",
        kind: "status",
        status: "in_corso",
        occurredOn: "2024-10-07",
        source: "cli",
        createdAt: at,
      },
    });
    await appendAudit(tx, {
      at,
      actor: "UWRITER",
      action: "report",
      entityType: "report",
      entityKey: String(r.id),
      after: { pad: "x".repeat(200) },
    });
  });
  n++;
  if (n === 20) process.stdout.write("started\n");
  // Let stdin's end event in between transactions.
  if (n % 10 === 0) await new Promise((r) => setImmediate(r));
}
await close();
process.stdout.write(`${n}\n`);
