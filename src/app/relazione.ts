import type { Db } from "../db/client.ts";
import { romeDay } from "../domain/calendar/days.ts";
import { canExportRelazione } from "../domain/permissions.ts";
import { UserError } from "../errors.ts";
import type { HeavyRunner } from "../jobs/heavy.ts";
import { loadActor } from "../store/users.ts";

/**
 * "Esporta Relazione" (App Home): the Relazione as XLSX or Word for who may read it whole. The
 * button is only shown to those roles, but a request can be forged: checked here. The file
 * is made in the heavy-work thread; `queued` is called at once when it has to wait its
 * turn, and the same export asked again while it is being made is made once ("joined").
 */
export async function relazioneExport(
  db: Db,
  heavy: Pick<HeavyRunner, "run" | "has">,
  req: { userId: string; year?: number; format?: "xlsx" | "docx"; now: Date; queued(): void },
): Promise<{ kind: "file"; year: number; today: string; format: "xlsx" | "docx"; file: Buffer } | { kind: "joined" }> {
  if (!canExportRelazione(await loadActor(db, req.userId))) throw new UserError({ code: "export_refused" });
  const today = romeDay(req.now);
  const format = req.format ?? "xlsx";
  const key = `relazione:${req.userId}:${format}:${req.year ?? ""}:${today}`;
  if (heavy.has(key)) {
    req.queued();
    return { kind: "joined" };
  }
  const made = await heavy.run(
    "relazione",
    { format, year: req.year, asOf: today, now: req.now.toISOString() },
    { key, onQueued: req.queued },
  );
  return {
    kind: "file",
    year: made.year,
    today,
    format,
    file: Buffer.from(made.bytes.buffer, made.bytes.byteOffset, made.bytes.byteLength),
  };
}
