import { createHash } from "node:crypto";
import { romeDay } from "../domain/calendar/days.ts";
import type { Db } from "../db/client.ts";
import type { ActivityInfo } from "../domain/plan/activity.ts";
import { resolveActivityCode } from "../store/activities.ts";
import { appendAudit } from "../store/audit.ts";
import {
  cleanCommandText,
  foldWord,
  parseObiettivoText,
  type ReportAction,
} from "../domain/progress/command-grammar.ts";
import { assertCanWriteActivity, type Actor, type Role } from "../domain/permissions.ts";
import { currentPlan } from "../store/plan.ts";
import { isCountIndicator, type ReportInput } from "../domain/progress/progress.ts";
import { validateReportInput } from "../domain/progress/validate.ts";
import { recordReportIn } from "../store/reports.ts";
import { parseItalianDate } from "../domain/plan/targets.ts";
import { UserError } from "../errors.ts";
import type { ProgressRow } from "../plan-import/progress-sheet.ts";
import { reportInput } from "./obiettivo.ts";

export interface ProgressImportOptions {
  /** Who runs the import ("cli:<user>"): recorded as who typed each report. */
  actor: string;
  now: Date;
  /** The file's content: with the row, the key that makes a second run of the same file record nothing twice. */
  content: Uint8Array;
  sourceName: string;
  year?: number;
}

export interface ProgressImportResult {
  year: number;
  recorded: number;
  /** Rows already recorded by an earlier run of the same file. */
  alreadyImported: number;
  activities: number;
}

const MAX_LISTED = 25;

/**
 * Progress kept elsewhere, recorded as reports. Each row is read by the /obiettivo grammar
 * ("completato", "60%", "+3", "= 5", "in corso", "bloccato <motivo>") and passes the same
 * checks as a report typed in Slack: the activity exists, the author may report on it,
 * the date is not in the future, the value fits the indicator. Every bad row is listed;
 * if there is one, nothing is recorded. Otherwise all rows go in one transaction.
 */
export async function importProgress(
  db: Db,
  rows: readonly ProgressRow[],
  opts: ProgressImportOptions,
): Promise<ProgressImportResult> {
  const plan = await currentPlan(db, opts.year);
  const today = romeDay(opts.now);
  if (rows.length === 0)
    throw new UserError({ code: "progress_file_invalid", source: opts.sourceName, reason: "no_rows" });

  const users = await db.user.findMany({ include: { areas: true } });
  const actors = users.map((u) => ({
    name: u.name,
    actor: {
      slackUserId: u.slackUserId,
      role: u.role as Role,
      areaCodes: u.areas.map((a) => a.areaCode),
    } satisfies Actor,
  }));
  const fileHash = createHash("sha256").update(opts.content).digest("hex").slice(0, 32);

  const problems: string[] = [];
  const inputs: { where: string; input: ReportInput }[] = [];
  for (const [i, row] of rows.entries()) {
    const fail = (message: string) => problems.push(`${row.where}: ${message}`);
    const code = cleanCommandText(row.code);
    if (!code) {
      fail("manca il codice dell'attività (colonna «codice»).");
      continue;
    }
    const activity = await findActivity(db, plan, code);
    if (typeof activity === "string") {
      fail(activity);
      continue;
    }
    const on = row.dateIso ?? (row.date ? parseItalianDate(row.date) : null);
    if (!on) {
      fail(
        row.date
          ? `data non valida «${row.date}»: attesa una data come 12/03/2024.`
          : "manca la data (colonna «data»), per esempio 12/03/2024.",
      );
      continue;
    }
    const action = actionOf(activity.code, row, on);
    if (typeof action === "string") {
      fail(action);
      continue;
    }
    const author = findAuthor(actors, row.author);
    if (typeof author === "string") {
      fail(author);
      continue;
    }
    try {
      if (author.role === "nucleo") throw new UserError({ code: "nucleo_read_only", action: "report" });
      assertCanWriteActivity(author, { code: activity.code, areaCode: activity.areaCode });
      const base = reportInput(author, activity, action, { source: "cli", idempotencyKey: `import:${fileHash}:${i}` });
      const input: ReportInput = {
        ...base,
        occurredOn: action.kind === "complete" && action.on ? action.on : on,
        evidence: row.evidence || null,
        enteredBy: opts.actor,
      };
      if ((input.kind === "count_add" || input.kind === "count_set") && !isCountIndicator(activity.targetKind)) {
        throw new UserError({ code: "not_a_count", activityCode: activity.code });
      }
      validateReportInput(input, today);
      inputs.push({ where: row.where, input });
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      fail(e.textFor("cli"));
    }
  }
  if (problems.length) {
    throw new UserError({
      code: "progress_import_invalid",
      source: opts.sourceName,
      problems: problems.slice(0, MAX_LISTED),
      more: Math.max(0, problems.length - MAX_LISTED),
    });
  }

  // Facts apply in the order they happened: a file may list the latest first.
  const ordered = inputs
    .map((x, i) => ({ ...x, i }))
    .sort((a, b) => (a.input.occurredOn ?? "").localeCompare(b.input.occurredOn ?? "") || a.i - b.i);
  return db.$transaction(
    async (tx) => {
      let recorded = 0;
      let alreadyImported = 0;
      for (const { where, input } of ordered) {
        try {
          const r = await recordReportIn(tx, input, opts.now);
          if (r.duplicate) alreadyImported += 1;
          else recorded += 1;
        } catch (e) {
          if (e instanceof UserError)
            throw new UserError({ code: "progress_row_invalid", where, detail: e.textFor("cli") });
          throw e;
        }
      }
      const activities = new Set(ordered.map((x) => x.input.activityCode)).size;
      if (recorded > 0) {
        await appendAudit(tx, {
          at: opts.now,
          actor: opts.actor,
          action: "progress_import",
          entityType: "plan",
          entityKey: String(plan.year),
          after: { sourceName: opts.sourceName, fileHash, rows: rows.length, recorded, alreadyImported, activities },
        });
      }
      return { year: plan.year, recorded, alreadyImported, activities };
    },
    { timeout: 300_000, maxWait: 20_000 },
  );
}

async function findActivity(
  db: Db,
  plan: Awaited<ReturnType<typeof currentPlan>>,
  code: string,
): Promise<ActivityInfo | string> {
  const r = await resolveActivityCode(db, plan, code);
  if (r.kind === "found") return r.activity;
  if (r.kind === "ambiguous") {
    const exact = r.activities.find((a) => a.code === code);
    if (exact) return exact;
    return `il codice ${code} è stampato per più attività (${r.activities.map((a) => a.code).join(", ")}): scrivi il codice univoco.`;
  }
  const near = r.suggestions.map((s) => s.code);
  return `l'attività ${code} non è nel piano ${plan.year}${near.length ? ` (forse ${near.join(" o ")}?)` : ""}.`;
}

/** The "stato/valore" cell read by the /obiettivo grammar; the note column joins the note (or is the reason of a block). */
function actionOf(code: string, row: ProgressRow, on: string): ReportAction | string {
  const value = row.value.trim();
  const note = row.note.trim();
  const ctx = { today: on };
  if (!value) {
    if (!note)
      return "manca lo stato o il valore (colonna «stato/valore»), per esempio «completato», «60%», «+1», «= 5», «in corso».";
    const parsed = parseObiettivoText(`${code} nota ${note}`, ctx);
    return parsed.ok && parsed.command.kind === "report" ? parsed.command.action : grammarMessage(parsed);
  }
  const parsed = parseObiettivoText(`${code} ${value}`, ctx);
  // "bloccato" with its reason in the note column.
  if (!parsed.ok && note) {
    const withNote = parseObiettivoText(`${code} ${value} ${note}`, ctx);
    if (withNote.ok && withNote.command.kind === "report" && withNote.command.action.kind === "blocked")
      return withNote.command.action;
  }
  if (!parsed.ok || parsed.command.kind !== "report") return grammarMessage(parsed);
  const action = parsed.command.action;
  if (!note) return action;
  const join = (a: string | null) => (a ? `${a} — ${note}` : note);
  switch (action.kind) {
    case "blocked":
      return { ...action, reason: join(action.reason) };
    case "note":
      return { ...action, text: join(action.text) };
    default:
      return { ...action, note: join(action.note) };
  }
}

function grammarMessage(parsed: ReturnType<typeof parseObiettivoText>): string {
  if (!parsed.ok) return `stato/valore non riconosciuto: ${parsed.message.replace(/\/obiettivo /g, "")}`;
  return "stato/valore non riconosciuto: scrivi per esempio «completato», «60%», «+1», «= 5», «in corso», «bloccato <motivo>».";
}

function findAuthor(actors: { name: string | null; actor: Actor }[], typed: string): Actor | string {
  const t = typed
    .trim()
    .replace(/^<@|>$/g, "")
    .replace(/^@/, "");
  if (!t)
    return "manca l'autore (colonna «autore»): l'ID Slack di chi ha svolto l'attività, o il nome con cui è registrato.";
  const byId = actors.find((a) => a.actor.slackUserId === t);
  if (byId) return byId.actor;
  const byName = actors.filter((a) => a.name && foldWord(a.name) === foldWord(t));
  if (byName.length === 1) return byName[0]!.actor;
  if (byName.length > 1)
    return `ci sono più utenti di nome «${t}»: scrivi l'ID Slack (${byName.map((a) => a.actor.slackUserId).join(", ")}).`;
  return `l'autore «${t}» non è un utente registrato: aggiungilo con «obiettivi utenti aggiungi <ID Slack> --ruolo <ruolo>» o scrivi l'ID Slack di un utente registrato.`;
}
