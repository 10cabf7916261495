import { table } from "./markdown-table.ts";
import { itDate } from "../domain/text/italian.ts";
import type { ValidationDocument } from "../domain/validation/document.ts";
import {
  dayText,
  instantText,
  OUTCOME_LABELS,
  registroValueText,
  type ValidationPack,
} from "../domain/validation/pack.ts";

/** The validation pack as Markdown: the draft document first, then checklist, sample and register as annexes. */

export function documentMarkdown(d: ValidationDocument): string[] {
  const out = [`# ${d.title}`, "", d.subtitle, ""];
  for (const p of d.intro) out.push(p, "");
  for (const s of d.sections) {
    out.push(`## ${s.heading}`, "");
    for (const p of s.paragraphs) out.push(p, "");
    for (const b of s.bullets) out.push(b.startsWith("   · ") ? `  - ${b.slice(5)}` : `- ${b}`);
    if (s.bullets.length) out.push("");
  }
  return out;
}

export const CHANNEL_LABELS: Record<string, string> = {
  slack_command: "Slack (comando)",
  slack_modal: "Slack (modulo)",
  slack_button: "Slack (pulsante)",
  console: "console",
  cli: "riga di comando",
};

export function renderValidationMarkdown(p: ValidationPack): string {
  const out = documentMarkdown(p.document);
  out.push("---", "", "## Allegato 1 — Checklist", "");
  for (const l of table(
    ["Verifica", "Esito", "Attività", "Dettaglio"],
    p.checks.map((c) => [
      `${c.label} (${c.id})`,
      c.ok ? "✓ conforme" : "✗ da verificare",
      c.codes.join(", ") || "—",
      c.summary,
    ]),
  ))
    out.push(l);
  out.push(
    `## Allegato 2 — Campione (${p.sample.length} attività completate su ${p.population}, seme «${p.seed}»)`,
    "",
  );
  if (!p.sample.length) out.push("Nessuna attività completata.", "");
  else {
    for (const l of table(
      ["Attività", "Completata il", "Evidenze", "Esito", "Nota"],
      p.sample.map((s) => [
        `${s.code} ${s.title}`,
        dayText(s.completedOn),
        s.evidence.join("; ") || (s.withoutEvidence ? "senza evidenza" : "—"),
        s.outcome ? OUTCOME_LABELS[s.outcome] : "da verificare",
        s.note ?? "",
      ]),
    ))
      out.push(l);
  }
  out.push(`## Allegato 3 — Registro dati (${p.registro.length} segnalazioni al ${itDate(p.asOf)})`, "");
  for (const l of table(
    [
      "Attività",
      "Valore",
      "Data dichiarata",
      "Inserita il",
      "Autore",
      "Per conto di",
      "Canale",
      "Evidenza",
      "Annullata",
      "Tardiva",
    ],
    p.registro.map((r) => [
      r.code,
      registroValueText(r) + (r.source ? ` (fonte: ${r.source})` : ""),
      itDate(r.claimedDate),
      instantText(r.enteredAt),
      r.authorLabel,
      r.onBehalfOfLabel ?? "—",
      CHANNEL_LABELS[r.channel] ?? r.channel,
      r.evidence ?? "—",
      r.undone ? `sì (${instantText(r.undoneAt)})` : "no",
      r.late ? `sì (${r.entryDelayDays} giorni)` : "no",
    ]),
  ))
    out.push(l);
  return `${out
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trimEnd()}\n`;
}
