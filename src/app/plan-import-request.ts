import type { Db } from "../db/client.ts";
import { canImportPlan } from "../domain/plan/import-permission.ts";
import { loadActor } from "../store/users.ts";
import { UserError } from "../errors.ts";
import { importParsedPlan, type ImportResult } from "../plan-import/import-plan.ts";
import { readPlanDocument } from "../plan-import/read-document.ts";
import {
  claimImportRequest,
  findImportRequest,
  saveImportRequest,
  setImportDecision,
  type PlanImportDecision,
} from "../store/plan-import-requests.ts";
import { previewPlan, type PlanPreview } from "./plan-preview.ts";

/**
 * A plan document sent to the bot (in Slack): preview first, import on confirmation.
 * Transport-free: the caller brings the bytes (downloaded with the bot token) and renders
 * the outcome. The role is checked on receipt and again on the click.
 */

/** Slack files larger than this are refused before download: no plan document is this big. */
export const MAX_PLAN_FILE_BYTES = 30 * 1024 * 1024;

export interface ReceivedFile {
  id: string;
  name: string;
  size: number | null;
}

export type ReceiveOutcome =
  /** The same upload arrived already (Slack sends a message event and a file_shared event). */
  | { kind: "ignored" }
  /** Only the Segretario and the admin may load the plan. */
  | { kind: "refused" }
  | { kind: "unreadable"; fileName: string; message: string }
  | { kind: "preview"; requestId: number; preview: PlanPreview };

export interface FetchedFile {
  file: ReceivedFile;
  download(): Promise<Uint8Array>;
}

export async function receivePlanFile(
  db: Db,
  req: { userId: string; channelId: string; fileId: string; now: Date; fetchFile(): Promise<FetchedFile> },
): Promise<ReceiveOutcome> {
  if (!canImportPlan(await loadActor(db, req.userId))) return { kind: "refused" };
  if (await db.planImportRequest.findUnique({ where: { fileId: req.fileId }, select: { id: true } }))
    return { kind: "ignored" };
  // An upload that cannot be read is answered once too: the other event of the same upload finds it.
  const unreadable = async (fileName: string, message: string): Promise<ReceiveOutcome> => {
    const saved = await saveImportRequest(db, {
      fileId: req.fileId,
      userId: req.userId,
      channelId: req.channelId,
      fileName,
      content: new Uint8Array(),
      year: 0,
      now: req.now,
      unreadable: true,
    });
    return saved ? { kind: "unreadable", fileName, message } : { kind: "ignored" };
  };
  let fetched: FetchedFile;
  let content: Uint8Array;
  try {
    fetched = await req.fetchFile();
    const { size, name } = fetched.file;
    if (size !== null && size > MAX_PLAN_FILE_BYTES) {
      return unreadable(
        name,
        `il file è troppo grande (${Math.round(size / 1024 / 1024)} MB): un piano non supera ${MAX_PLAN_FILE_BYTES / 1024 / 1024} MB. Controlla di aver inviato il documento giusto.`,
      );
    }
    content = await fetched.download();
  } catch (e) {
    if (e instanceof UserError) return unreadable("il file", e.message);
    throw e;
  }
  const file = fetched.file;
  let preview: PlanPreview;
  let year: number;
  try {
    const parsed = await readPlanDocument(content, file.name);
    preview = await previewPlan(db, parsed);
    year = parsed.year;
  } catch (e) {
    if (e instanceof UserError) return unreadable(file.name, e.message);
    throw e;
  }
  const saved = await saveImportRequest(db, {
    fileId: req.fileId,
    userId: req.userId,
    channelId: req.channelId,
    fileName: file.name,
    content,
    year,
    now: req.now,
  });
  return saved ? { kind: "preview", requestId: saved.id, preview } : { kind: "ignored" };
}

export type DecideOutcome =
  | { kind: "refused" }
  | { kind: "unknown" }
  /** Someone (or an earlier click) decided already: nothing was done now. */
  | { kind: "already"; decision: string | null; decidedBy: string | null; decidedAt: Date | null }
  | { kind: "cancelled"; fileName: string }
  | { kind: "imported"; fileName: string; result: ImportResult }
  | { kind: "failed"; fileName: string; message: string };

export async function decidePlanImport(
  db: Db,
  req: { userId: string; requestId: number; confirm: boolean; now: Date },
): Promise<DecideOutcome> {
  // The buttons are shown only to these roles, but a request can be forged: check again.
  if (!canImportPlan(await loadActor(db, req.userId))) return { kind: "refused" };
  const request = await findImportRequest(db, req.requestId);
  if (!request) return { kind: "unknown" };
  const decision: PlanImportDecision = req.confirm ? "importing" : "cancelled";
  if (!(await claimImportRequest(db, request.id, req.userId, decision, req.now))) {
    const now = await findImportRequest(db, request.id);
    return {
      kind: "already",
      decision: now?.decision ?? null,
      decidedBy: now?.decidedBy ?? null,
      decidedAt: now?.decidedAt ?? null,
    };
  }
  if (!req.confirm) {
    await setImportDecision(db, request.id, "cancelled");
    return { kind: "cancelled", fileName: request.fileName };
  }
  try {
    // Exactly the bytes that were previewed, read again by the same reader.
    const parsed = await readPlanDocument(request.content, request.fileName);
    // The bulk writer uses its own connection and waits synchronously for the write lock. In
    // the running bot another listener may hold it inside a Prisma transaction, which could
    // not finish while we wait: holding the adapter's transaction slot (an empty, deferred
    // transaction) keeps this process's Prisma writes out of the way until the import is done.
    const result = await db.$transaction(() => importParsedPlan(db, parsed, { actor: req.userId, now: req.now }), {
      timeout: 120_000,
      maxWait: 30_000,
    });
    await setImportDecision(db, request.id, "imported");
    return { kind: "imported", fileName: request.fileName, result };
  } catch (e) {
    await setImportDecision(db, request.id, "failed");
    if (e instanceof UserError) return { kind: "failed", fileName: request.fileName, message: e.message };
    throw e;
  }
}
