import { randomBytes } from "node:crypto";
import type { Db } from "../db/client.ts";
import { romeDay } from "../domain/calendar/days.ts";
import { canExportRelazione } from "../domain/permissions.ts";
import { UserError } from "../errors.ts";
import type { HeavyFile } from "../jobs/heavy-jobs.ts";
import type { HeavyRunner } from "../jobs/heavy.ts";
import { loadActor } from "../store/users.ts";

/**
 * The documents App Home sends in a direct message, for who may read the plan whole (the
 * Nucleo, the Segretario, the administrator): the Relazione (Excel or Word), the
 * Responsabili's scorecards and the Nucleo's validation pack (Word or Excel). The buttons
 * are only shown to those roles, but a request can be forged: checked here. Every file is
 * made in the heavy-work thread; `queued` is called at once when it has to wait its turn,
 * and the same document asked again while it is being made is made once ("joined").
 */

export type HomeDocument = "relazione" | "schede" | "validazione";
export type HomeDocumentFormat = "xlsx" | "docx";

export interface DocumentExportRequest {
  userId: string;
  document?: HomeDocument;
  year?: number;
  format?: HomeDocumentFormat;
  now: Date;
  /** The Comune's patron day (PATRONO): lateness is counted on its calendar in the thread too. */
  patron?: string;
  queued(): void;
}

interface MadeDocument {
  kind: "file";
  year: number;
  today: string;
  format: HomeDocumentFormat;
  file: Buffer;
  filename: string;
}

export type DocumentExport =
  | (MadeDocument & { document: "relazione" | "schede" })
  /** The validation pack also says the sample's seed, and whether this export drew it. */
  | (MadeDocument & { document: "validazione"; sample: { seed: string; drawn: boolean } })
  | { kind: "joined" };

export async function documentExport(
  db: Db,
  heavy: Pick<HeavyRunner, "run" | "has">,
  req: DocumentExportRequest,
): Promise<DocumentExport> {
  const document = req.document ?? "relazione";
  if (!canExportRelazione(await loadActor(db, req.userId))) throw new UserError({ code: "export_refused", document });
  const today = romeDay(req.now);
  const format = req.format ?? "xlsx";
  const key = `${document}:${req.userId}:${format}:${req.year ?? ""}:${today}`;
  if (heavy.has(key)) {
    req.queued();
    return { kind: "joined" };
  }
  const common = { format, year: req.year, asOf: today, now: req.now.toISOString() };
  const options = { key, onQueued: req.queued };
  const fileOf = (made: HeavyFile): MadeDocument => ({
    kind: "file",
    year: made.year,
    today,
    format,
    file: Buffer.from(made.bytes.buffer, made.bytes.byteOffset, made.bytes.byteLength),
    filename: made.filename,
  });
  if (document === "validazione") {
    const pack = await heavy.run(
      "validazione",
      { ...common, actor: req.userId, seed: randomBytes(4).toString("hex") },
      options,
    );
    return { ...fileOf(pack), document, sample: { seed: pack.seed, drawn: pack.drawn } };
  }
  const made = await heavy.run(document, { ...common, patron: req.patron }, options);
  return { ...fileOf(made), document };
}
