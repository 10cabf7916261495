import type { Db } from "../db/client.ts";
import { romeDay } from "../domain/calendar/days.ts";
import { canExportRelazione } from "../domain/permissions.ts";
import { UserError } from "../errors.ts";
import { buildRelazione, type Relazione } from "../report/relazione.ts";
import { renderRelazioneXlsx } from "../report/relazione-xlsx.ts";
import { loadActor } from "../store/users.ts";

/**
 * "Esporta Relazione" (App Home): the Relazione as XLSX for who may read it whole. The
 * button is only shown to those roles, but a request can be forged: checked here.
 */
export async function relazioneExport(
  db: Db,
  req: { userId: string; year?: number; now: Date },
): Promise<{ relazione: Relazione; today: string; file: Buffer }> {
  if (!canExportRelazione(await loadActor(db, req.userId))) throw new UserError({ code: "export_refused" });
  const today = romeDay(req.now);
  const relazione = await buildRelazione(db, { year: req.year, asOf: today, now: req.now });
  return { relazione, today, file: await renderRelazioneXlsx(relazione) };
}
