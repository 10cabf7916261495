import type { Db, Tx } from "../db/client.ts";

/** The Slack channel of each area (digest, reminders), keyed by area code so it survives re-imports. */

export async function areaChannelOf(db: Db | Tx, areaCode: string): Promise<string | null> {
  return (await db.areaChannel.findUnique({ where: { areaCode } }))?.channelId ?? null;
}

export async function saveAreaChannel(tx: Tx, areaCode: string, channelId: string, now: Date): Promise<void> {
  await tx.areaChannel.upsert({
    where: { areaCode },
    create: { areaCode, channelId, updatedAt: now },
    update: { channelId, updatedAt: now },
  });
}

/** area code -> channel id */
export async function allAreaChannels(db: Db | Tx): Promise<Map<string, string>> {
  return new Map((await db.areaChannel.findMany()).map((c) => [c.areaCode, c.channelId]));
}

/** Every configured area channel, by area code. */
export async function areaChannelsInOrder(db: Db | Tx): Promise<{ areaCode: string; channelId: string }[]> {
  return db.areaChannel.findMany({ orderBy: { areaCode: "asc" }, select: { areaCode: true, channelId: true } });
}
