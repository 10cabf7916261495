import { weekNumber } from "../calendar/weeks.ts";
import type { AreaDigest, DeadlineEntry, PaceEntry, WideEntry } from "./digest.ts";
import { romeDay } from "../calendar/days.ts";
import { itDate, itDays, itNumber, itPercent } from "../text/italian.ts";

/**
 * The words of the weekly digest, written once: the Slack message and the CLI text
 * differ only in how they mark up bold, codes and people (a `DigestStyle`).
 */

export interface DigestStyle {
  /** Escapes text taken from the plan (Slack mrkdwn treats & < > specially). */
  text(s: string): string;
  bold(s: string): string;
  code(s: string): string;
  mention(slackUserId: string, name: string | null): string;
}

export const PLAIN_STYLE: DigestStyle = {
  text: (s) => s,
  bold: (s) => s,
  code: (s) => s,
  mention: (id, name) => (name ? `${name} (${id})` : id),
};

export interface DigestSection {
  key: "overdue" | "dueSoon" | "behindPace" | "comuneWide" | "notReported" | "away";
  heading: string;
  /** A line under the heading before the items (the heads to mention). */
  intro?: string;
  lines: string[];
  /** Items not listed here. */
  notShown: number;
}

export interface DigestWords {
  title: string;
  subtitle: string;
  summary: string;
  sections: DigestSection[];
  /** The whole message of a week with nothing to flag. */
  quietLine: string;
  /** Short text for notifications and screen readers. */
  fallback: string;
}

const TITLE_MAX = 90;

export function shorten(s: string, max = TITLE_MAX): string {
  const t = s.replace(/\s+/g, " ").trim();
  return t.length <= max ? t : `${t.slice(0, max - 1).trimEnd()}…`;
}

export function moreLine(n: number): string {
  return n === 1 ? "… e un'altra" : `… e altre ${n}`;
}

function statusNote(status: string | null): string {
  return status === "bloccata" ? " (segnalata come bloccata)" : "";
}

function dueIn(daysLeft: number): string {
  if (daysLeft === 0) return "scade oggi";
  if (daysLeft === 1) return "scade domani";
  return `scade tra ${itDays(daysLeft)}`;
}

function overdueLine(s: DigestStyle, e: DeadlineEntry): string {
  return `• ${s.code(e.code)} ${s.text(shorten(e.title))} — scadenza ${itDate(e.deadline)}, ${s.bold(`${itDays(e.daysLate)} di ritardo`)}${statusNote(e.status)}`;
}

function dueSoonLine(s: DigestStyle, e: DeadlineEntry): string {
  return `• ${s.code(e.code)} ${s.text(shorten(e.title))} — ${dueIn(-e.daysLate)} (${itDate(e.deadline)})${statusNote(e.status)}`;
}

const PERIOD_NOW: Record<"week" | "month", string> = { week: "questa settimana", month: "questo mese" };

function expectedSoFar(n: number): string {
  return `${n === 1 ? "atteso" : "attesi"} finora ${itNumber(n)}`;
}

function paceLine(s: DigestStyle, e: PaceEntry): string {
  const parts: string[] = [];
  // The week or month under way is shown only once it expects something.
  if (e.currentPeriod && e.currentPeriod.expected > 0) {
    parts.push(
      `${PERIOD_NOW[e.currentPeriod.period]} ${itNumber(e.currentPeriod.recorded)} (${expectedSoFar(e.currentPeriod.expected)})`,
    );
  }
  parts.push(`da inizio anno ${itNumber(e.yearToDate.recorded)} (${expectedSoFar(e.yearToDate.expected)})`);
  return `• ${s.code(e.code)} ${s.text(shorten(e.title))} — valore atteso «${s.text(e.targetText)}», registrati ${parts.join(", ")}`;
}

function wideLine(s: DigestStyle, e: WideEntry): string {
  let when: string;
  if (e.deadline === null || e.daysLate === null) when = "senza scadenza";
  else if (e.daysLate > 0) when = `scadenza ${itDate(e.deadline)}, ${s.bold(`${itDays(e.daysLate)} di ritardo`)}`;
  else when = `${dueIn(-e.daysLate)} (${itDate(e.deadline)})`;
  return `• ${s.code(e.code)} ${s.text(shorten(e.title))} — ${when}${statusNote(e.status)}`;
}

export function headsLine(s: DigestStyle, d: AreaDigest): string {
  if (d.heads.length === 0) {
    return `Nessun responsabile registrato per l'area ${d.area.code}: aggiungilo con «npx obiettivi utenti aggiungi <ID Slack> --ruolo responsabile --area ${d.area.code}».`;
  }
  return `${d.heads.length === 1 ? "Responsabile" : "Responsabili"}: ${d.heads.map((h) => s.mention(h.slackUserId, h.name)).join(", ")}`;
}

function absenceSpan(from: string, to: string): string {
  return from === to ? `il ${itDate(from)}` : `dal ${itDate(from)} al ${itDate(to)}`;
}

function romeDayOf(at: Date): string {
  return romeDay(at);
}

export function digestWords(d: AreaDigest, s: DigestStyle): DigestWords {
  const areaLabel = `${d.area.code}. ${d.area.name}`;
  const completion = itPercent(d.completion * 100, 1);
  const summary = `Completamento ponderato dell'area: ${s.bold(completion)} (${itNumber(d.completed)} di ${itNumber(d.activities)} attività completate).`;
  const sections: DigestSection[] = [];
  if (d.overdue.total > 0) {
    sections.push({
      key: "overdue",
      heading: `In ritardo (${d.overdue.total})`,
      intro: headsLine(s, d),
      lines: d.overdue.items.map((e) => overdueLine(s, e)),
      notShown: d.overdue.total - d.overdue.items.length,
    });
  }
  if (d.dueSoon.total > 0) {
    sections.push({
      key: "dueSoon",
      heading: `In scadenza nei prossimi ${d.dueSoon.days} giorni (${d.dueSoon.total})`,
      lines: d.dueSoon.items.map((e) => dueSoonLine(s, e)),
      notShown: d.dueSoon.total - d.dueSoon.items.length,
    });
  }
  if (d.behindPace.total > 0) {
    sections.push({
      key: "behindPace",
      heading: `Indicatori sotto il ritmo atteso (${d.behindPace.total})`,
      lines: d.behindPace.items.map((e) => paceLine(s, e)),
      notShown: d.behindPace.total - d.behindPace.items.length,
    });
  }
  if (d.comuneWide.total > 0) {
    sections.push({
      key: "comuneWide",
      heading: `Obiettivi di ente ancora aperti (${d.comuneWide.total})`,
      lines: d.comuneWide.items.map((e) => wideLine(s, e)),
      notShown: d.comuneWide.total - d.comuneWide.items.length,
    });
  }
  if (d.notReported && d.notReported.people.length > 0) {
    const weeks = d.notReported.weeks === 1 ? "nell'ultima settimana" : `nelle ultime ${d.notReported.weeks} settimane`;
    sections.push({
      key: "notReported",
      heading: `Nessun aggiornamento ${weeks} (${d.notReported.people.length})`,
      intro: "Persone dell'area con attività aperte che non hanno registrato nulla:",
      lines: d.notReported.people.map(
        (p) =>
          `• ${s.mention(p.slackUserId, p.name)} — ${p.lastReportAt ? `ultimo aggiornamento il ${itDate(romeDayOf(p.lastReportAt))}` : "nessun aggiornamento finora"}`,
      ),
      notShown: 0,
    });
  }
  // The absent are named, not mentioned: a mention would notify them while they are away.
  const awayName = (p: { slackUserId: string; name: string | null }) =>
    p.name ? `${s.text(p.name)} (${p.slackUserId})` : p.slackUserId;
  const awayLine = d.away.length
    ? `Assenti questa settimana: ${d.away.map((p) => `${awayName(p)} (${absenceSpan(p.from, p.to)})`).join(", ")}.`
    : "";
  if (d.away.length)
    sections.push({
      key: "away",
      heading: `Assenti questa settimana (${d.away.length})`,
      lines: d.away.map((p) => `• ${awayName(p)} — ${absenceSpan(p.from, p.to)}`),
      notShown: 0,
    });
  const counts = [
    d.overdue.total ? `${d.overdue.total} in ritardo` : "",
    d.dueSoon.total ? `${d.dueSoon.total} in scadenza` : "",
    d.behindPace.total ? `${d.behindPace.total} sotto il ritmo` : "",
  ].filter(Boolean);
  const quietLine = `${areaLabel}: niente da segnalare questa settimana, nessuna attività in ritardo o in scadenza nei prossimi ${d.dueSoon.days} giorni. Completamento ponderato: ${completion}.${awayLine ? ` ${awayLine}` : ""}`;
  return {
    title: `Riepilogo settimanale – ${areaLabel}`,
    subtitle: `Settimana ${weekNumber(d.week)} · ${itDate(d.today)} · Piano ${d.planYear}`,
    summary,
    sections,
    quietLine,
    fallback: d.quiet
      ? quietLine
      : `Riepilogo settimanale ${areaLabel}: ${counts.length ? counts.join(", ") : "nessuna attività in ritardo"}; completamento ${completion}.`,
  };
}

/** The digest as plain text, for the terminal (`obiettivi riepilogo`). */
export function renderDigestText(d: AreaDigest): string {
  const w = digestWords(d, PLAIN_STYLE);
  if (d.quiet) return `${w.quietLine}\n`;
  const out = [w.title, w.subtitle, "", w.summary];
  for (const sec of w.sections) {
    out.push("", `${sec.heading}:`);
    if (sec.intro) out.push(sec.intro);
    out.push(...sec.lines);
    if (sec.notShown > 0) out.push(moreLine(sec.notShown));
  }
  return `${out.join("\n")}\n`;
}
