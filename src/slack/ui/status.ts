import { statusLabel } from "../../domain/progress/progress.ts";
import { itDate, itNumber } from "../../domain/text/italian.ts";
import type { ActionsBlock, KnownBlock, SectionBlock } from "@slack/types";
import type {
  AllAreasStatus,
  AreaSummary,
  DeadlineItem,
  RecentReport,
  ScopeStatus,
  StatusResult,
  StatusScope,
} from "../../domain/status/status.ts";
import { romeDay } from "../../domain/calendar/days.ts";
import { ACTION } from "./ids.ts";
import { escapeMrkdwn, type SlackMessage } from "./message.ts";

/** What a /stato reply is: blocks, and the plain text Slack shows in notifications and to screen readers. */
export type StatusMessage = SlackMessage;

/** Slack's limits: 50 blocks per message, 3000 characters per section text, 150 per header. */
export const MAX_BLOCKS = 50;
export const MAX_SECTION_TEXT = 3000;
const MAX_HEADER_TEXT = 150;
const MAX_FALLBACK_TEXT = 3000;

const BAR_CELLS = 10;

/** The value of the "Condividi nel canale" button: which status, of which year. */
export interface ShareStatusValue {
  scope: string; // "tutte" | "ente" | "area:<code>"
  year: number;
}

export function encodeShareValue(scope: StatusScope, year: number): string {
  const s = scope.kind === "all" ? "tutte" : scope.kind === "ente" ? "ente" : `area:${scope.code}`;
  return JSON.stringify({ scope: s, year } satisfies ShareStatusValue);
}

/** Reads a button value back; null when it is not one we built. */
export function decodeShareValue(value: string | undefined): { scope: StatusScope; year: number } | null {
  if (!value) return null;
  let v: unknown;
  try {
    v = JSON.parse(value);
  } catch {
    return null;
  }
  if (typeof v !== "object" || v === null) return null;
  const { scope, year } = v as Partial<ShareStatusValue>;
  if (typeof scope !== "string" || typeof year !== "number" || !Number.isInteger(year)) return null;
  if (scope === "tutte") return { scope: { kind: "all" }, year };
  if (scope === "ente") return { scope: { kind: "ente" }, year };
  if (scope.startsWith("area:") && scope.length > 5) return { scope: { kind: "area", code: scope.slice(5) }, year };
  return null;
}

function clip(text: string, max: number): string {
  const t = text.replace(/\s+/g, " ").trim();
  return t.length <= max ? t : `${t.slice(0, max - 1).trimEnd()}…`;
}

/** 0..1 as a percentage that never claims "100%" before everything is done. */
export function percentLabel(completion: number): string {
  const p = completion >= 1 ? 100 : Math.floor(Math.max(0, completion) * 100);
  return `${p}%`;
}

/** A text progress bar, e.g. ▓▓▓▓░░░░░░ 40%. */
export function progressBar(completion: number): string {
  const full = completion >= 1 ? BAR_CELLS : Math.floor(Math.max(0, completion) * BAR_CELLS);
  return `${"▓".repeat(full)}${"░".repeat(BAR_CELLS - full)} ${percentLabel(completion)}`;
}

/** 2024-10-31 -> 31/10/2024, as Italians write dates. */

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

function lateLabel(item: DeadlineItem): string {
  const late = -item.daysLeft;
  return `scadenza ${itDate(item.deadline)}, ${plural(late, "giorno", "giorni")} di ritardo`;
}

function dueLabel(item: DeadlineItem): string {
  const when = item.daysLeft === 0 ? "oggi" : item.daysLeft === 1 ? "domani" : `tra ${item.daysLeft} giorni`;
  return `scade ${when} (${itDate(item.deadline)})`;
}

function statusSuffix(status: string | null): string {
  return status && status !== "non_iniziata" ? ` · _${statusLabel(status)}_` : "";
}

/** What a report said, in a few words ("completata", "60%", "+1", "nota"). */
export function describeReport(r: Pick<RecentReport, "kind" | "status" | "value">): string {
  const v = r.value;
  switch (r.kind) {
    case "status":
      return r.status ? statusLabel(r.status) : "stato aggiornato";
    case "percent":
      return v === null ? "percentuale" : `${itNumber(v)}%`;
    case "count_add":
      return v === null ? "conteggio" : `+${itNumber(v)}`;
    case "count_set":
      return v === null ? "conteggio" : `totale ${itNumber(v)}`;
    case "boolean":
      return v === null ? "sì/no" : v >= 1 ? "raggiunto: sì" : "raggiunto: no";
    case "amount":
      return v === null ? "importo" : `importo ${itNumber(v)}`;
    case "measure":
      return v === null ? "misura" : `misura ${itNumber(v)}`;
    case "note":
      return "nota";
    default:
      return r.kind;
  }
}

function reportLine(r: RecentReport): string {
  const day = itDate(romeDay(r.createdAt));
  const note = r.note ? ` — «${escapeMrkdwn(clip(r.note, 80))}»` : "";
  return `• ${day} <@${r.userId}> \`${escapeMrkdwn(r.activityCode)}\` ${escapeMrkdwn(clip(r.activityTitle, 60))}: *${escapeMrkdwn(describeReport(r))}*${note}`;
}

function section(text: string): SectionBlock {
  return { type: "section", text: { type: "mrkdwn", text: cut(text) } };
}

// Sections keep their line breaks: cut at a line when the text is too long for Slack.
function cut(text: string): string {
  if (text.length <= MAX_SECTION_TEXT) return text;
  const head = text.slice(0, MAX_SECTION_TEXT - 2);
  const nl = head.lastIndexOf("\n");
  return `${nl > 0 ? head.slice(0, nl) : head}\n…`;
}

/**
 * Lines packed into as few sections as Slack allows, at most `maxBlocks`; what does not
 * fit (plus `hidden` lines never given) is counted in a last line.
 */
function packLines(
  title: string,
  lines: string[],
  maxBlocks: number,
  more: (n: number) => string,
  hidden = 0,
): SectionBlock[] {
  const blocks: string[] = [];
  let current = title;
  let used = 0;
  const reserve = 80; // room for the "…e altri N" line
  for (const line of lines) {
    const candidate = current === "" ? line : `${current}\n${line}`;
    if (candidate.length <= MAX_SECTION_TEXT - reserve) {
      current = candidate;
      used++;
      continue;
    }
    if (blocks.length + 1 >= maxBlocks) break;
    blocks.push(current);
    current = line;
    used++;
  }
  const left = lines.length - used + hidden;
  if (left > 0) current = `${current}\n${more(left)}`;
  if (current !== "") blocks.push(current);
  return blocks.map(section);
}

function shareButton(scope: StatusScope, year: number): ActionsBlock {
  return {
    type: "actions",
    block_id: "status_actions",
    elements: [
      {
        type: "button",
        action_id: ACTION.shareStatus,
        text: { type: "plain_text", text: "Condividi nel canale", emoji: true },
        value: encodeShareValue(scope, year),
      },
    ],
  };
}

export interface StatusOptions {
  /** Show "Condividi nel canale" (the private reply); the shared copy has none. */
  shareButton: boolean;
  /** Who shared it, for the copy posted in the channel. */
  sharedBy?: string;
}

function scopeTitle(s: { area: { code: string; name: string } | null }): string {
  return s.area ? `${s.area.code} ${s.area.name}` : "Obiettivi dell'ente (performance organizzativa)";
}

function footer(s: { year: number; entity: string; today: string }, opts: StatusOptions): KnownBlock {
  const parts = [`Piano ${s.year} · ${escapeMrkdwn(s.entity)} · situazione al ${itDate(s.today)}`];
  if (opts.sharedBy) parts.push(`condiviso da <@${opts.sharedBy}>`);
  return { type: "context", elements: [{ type: "mrkdwn", text: parts.join(" · ") }] };
}

function fallback(text: string): string {
  return clip(text, MAX_FALLBACK_TEXT);
}

/** One area (or the Comune-wide objectives) on one screen. */
export function scopeStatusMessage(s: ScopeStatus, opts: StatusOptions): StatusMessage {
  const title = scopeTitle(s);
  const blocks: KnownBlock[] = [
    { type: "header", text: { type: "plain_text", text: clip(`Stato · ${title}`, MAX_HEADER_TEXT), emoji: true } },
  ];
  const head = s.area?.head ? ` · Responsabile: ${escapeMrkdwn(s.area.head)}` : "";
  blocks.push(
    section(
      `*Completamento ponderato:* ${progressBar(s.completion)}\n${s.completed} ${s.completed === 1 ? "attività completata" : "attività completate"} su ${s.activities}${head}`,
    ),
  );
  blocks.push(footer(s, opts));

  // The tail (divider, three sections, the button) is built first: the objectives get the blocks left.
  const tail: KnownBlock[] = [];
  tail.push({ type: "divider" });
  const overdueLines = s.overdue.worst.map(
    (i) =>
      `• \`${escapeMrkdwn(i.code)}\` ${escapeMrkdwn(clip(i.title, 70))} — ${lateLabel(i)}${statusSuffix(i.status)}`,
  );
  if (s.overdue.count > s.overdue.worst.length)
    overdueLines.push(`…e altre ${s.overdue.count - s.overdue.worst.length}`);
  tail.push(
    section(
      s.overdue.count === 0
        ? "*In ritardo:* nessuna attività :white_check_mark:"
        : `*In ritardo: ${s.overdue.count} attività* :warning: (le più indietro)\n${overdueLines.join("\n")}`,
    ),
  );
  const dueLines = s.dueSoon.items.map(
    (i) => `• \`${escapeMrkdwn(i.code)}\` ${escapeMrkdwn(clip(i.title, 70))} — ${dueLabel(i)}${statusSuffix(i.status)}`,
  );
  if (s.dueSoon.count > s.dueSoon.items.length) dueLines.push(`…e altre ${s.dueSoon.count - s.dueSoon.items.length}`);
  tail.push(
    section(
      s.dueSoon.count === 0
        ? `*In scadenza nei prossimi ${s.dueSoon.days} giorni:* nessuna attività`
        : `*In scadenza nei prossimi ${s.dueSoon.days} giorni: ${s.dueSoon.count}*\n${dueLines.join("\n")}`,
    ),
  );
  tail.push(
    section(
      s.latestReports.length === 0
        ? "*Ultimi aggiornamenti:* nessuno finora"
        : `*Ultimi aggiornamenti*\n${s.latestReports.map(reportLine).join("\n")}`,
    ),
  );
  if (opts.shareButton) tail.push(shareButton(s.scope, s.year));

  const objectiveLines = s.objectives.map((o) => {
    const weight = o.weight !== null ? ` · peso ${itNumber(o.weight)}%` : "";
    const count = o.activities === 0 ? "nessuna attività" : `${o.completed}/${o.activities} completate`;
    return `\`${escapeMrkdwn(o.code)}\` ${escapeMrkdwn(clip(o.title, 90))}${weight}\n${progressBar(o.completion)} · ${count}`;
  });
  blocks.push({ type: "divider" });
  const room = MAX_BLOCKS - blocks.length - tail.length;
  blocks.push(
    ...(objectiveLines.length === 0
      ? [section("*Obiettivi:* nessuno in questo piano")]
      : packLines(
          `*Obiettivi (${s.objectiveTotal})*`,
          objectiveLines,
          room,
          (n) => `…e altri ${n} obiettivi`,
          s.objectiveTotal - s.objectives.length,
        )),
  );
  blocks.push(...tail);

  const text = fallback(
    `Stato ${title} (piano ${s.year}): ${percentLabel(s.completion)} completato, ` +
      `${s.overdue.count} attività in ritardo, ${s.dueSoon.count} in scadenza nei prossimi ${s.dueSoon.days} giorni.`,
  );
  return { text, blocks };
}

function summaryLine(a: AreaSummary): string {
  const name = a.area ? `${escapeMrkdwn(a.area.code)} ${escapeMrkdwn(a.area.name)}` : "Obiettivi dell'ente";
  const late = a.overdue === 0 ? "nessuna in ritardo" : `:warning: ${a.overdue} in ritardo`;
  const due = a.dueSoon === 0 ? "" : ` · ${a.dueSoon} in scadenza`;
  return `*${name}*\n${progressBar(a.completion)} · ${a.completed}/${a.activities} completate · ${late}${due}`;
}

/** Every area: one compact section each, then the Comune-wide objectives. */
export function allAreasMessage(s: AllAreasStatus, opts: StatusOptions): StatusMessage {
  const blocks: KnownBlock[] = [
    {
      type: "header",
      text: { type: "plain_text", text: clip(`Stato del piano ${s.year} · ${s.entity}`, MAX_HEADER_TEXT), emoji: true },
    },
    footer(s, opts),
    { type: "divider" },
  ];
  const rows = [...s.areas, ...(s.ente ? [s.ente] : [])];
  const tail: KnownBlock[] = [
    {
      type: "context",
      elements: [
        {
          type: "mrkdwn",
          text: `Dettaglio di un'area: \`/stato &lt;area&gt;\` (codice o nome, per esempio \`/stato ${escapeMrkdwn(s.areas[0]?.area?.code ?? "01")}\`) · obiettivi dell'ente: \`/stato ente\``,
        },
      ],
    },
  ];
  if (opts.shareButton) tail.push(shareButton({ kind: "all" }, s.year));
  const room = MAX_BLOCKS - blocks.length - tail.length;
  if (rows.length === 0) blocks.push(section("Il piano non contiene aree."));
  else if (rows.length <= room) blocks.push(...rows.map((r) => section(summaryLine(r))));
  else blocks.push(...packLines("", rows.map(summaryLine), room, (n) => `…e altre ${n} aree`));
  blocks.push(...tail);

  const parts = rows.map(
    (a) =>
      `${a.area ? a.area.code : "ente"} ${percentLabel(a.completion)}${a.overdue ? ` (${a.overdue} in ritardo)` : ""}`,
  );
  return { text: fallback(`Stato del piano ${s.year}, ${s.entity}: ${parts.join(", ")}.`), blocks };
}

export function statusMessage(result: StatusResult, opts: StatusOptions): StatusMessage {
  return result.kind === "all" ? allAreasMessage(result, opts) : scopeStatusMessage(result, opts);
}

/** A refusal or a "which area?" answer: one section of plain words, same text as fallback. */
export function statusNotice(text: string): StatusMessage {
  return { text: fallback(text), blocks: [section(escapeMrkdwn(text))] };
}
