import type { Db } from "../db/client.ts";
import type { PlanImportRequest } from "../generated/prisma/client.ts";

/** "unreadable": the document could not be read; the request only records that this upload was answered. */
export type PlanImportDecision = "importing" | "imported" | "cancelled" | "failed" | "unreadable";

/** Keeps a document sent in Slack until its sender decides; null when this upload was already received (its other event, a retry). */
export async function saveImportRequest(
  db: Db,
  r: {
    fileId: string;
    userId: string;
    channelId: string;
    fileName: string;
    content: Uint8Array;
    year: number;
    now: Date;
    unreadable?: boolean;
  },
): Promise<PlanImportRequest | null> {
  return db.$transaction(async (tx) => {
    if (await tx.planImportRequest.findUnique({ where: { fileId: r.fileId }, select: { id: true } })) return null;
    return tx.planImportRequest.create({
      data: {
        fileId: r.fileId,
        userId: r.userId,
        channelId: r.channelId,
        fileName: r.fileName,
        content: r.unreadable ? new Uint8Array() : Uint8Array.from(r.content),
        year: r.year,
        createdAt: r.now,
        ...(r.unreadable ? { decidedAt: r.now, decision: "unreadable" } : {}),
      },
    });
  });
}

export function findImportRequest(db: Db, id: number): Promise<PlanImportRequest | null> {
  return db.planImportRequest.findUnique({ where: { id } });
}

/**
 * Takes the decision on a request if nobody took one yet: only the first click gets
 * `true`; a second click, a double delivery or the other button get `false`.
 */
export async function claimImportRequest(
  db: Db,
  id: number,
  by: string,
  decision: PlanImportDecision,
  now: Date,
): Promise<boolean> {
  return db.$transaction(async (tx) => {
    const { count } = await tx.planImportRequest.updateMany({
      where: { id, decidedAt: null },
      data: { decidedAt: now, decidedBy: by, decision },
    });
    return count === 1;
  });
}

/** The final decision; the document's bytes are dropped, nothing will read them again. */
export async function setImportDecision(db: Db, id: number, decision: PlanImportDecision): Promise<void> {
  await db.$transaction((tx) =>
    tx.planImportRequest.update({ where: { id }, data: { decision, content: new Uint8Array() } }),
  );
}
