import type { KnownBlock } from "@slack/types";
import type { DecideOutcome } from "../../app/plan-import-request.ts";
import type { PlanPreview } from "../../app/plan-preview.ts";
import type { SectionDiff } from "../../domain/plan/plan-diff.ts";
import { itDateTime } from "../../domain/text/italian.ts";
import { errorText } from "../../messages/errors.ts";
import { ACTION } from "./ids.ts";
import { actions, button, clip, context, escapeMrkdwn, plainMessage, section, type SlackMessage } from "./message.ts";

/** Button value of "Importa" / "Annulla" under a preview. */
export interface PlanImportButtonValue {
  requestId: number;
}

/** How many items of each list a preview shows; the CLI preview (obiettivi importa --anteprima) shows all. */
const SHOWN = 8;

export const PLAN_IMPORT_TEXT = {
  confirm: "Importa",
  cancel: "Annulla",
  confirmTitle: "Importare il piano?",
  confirmBody: (year: number) =>
    `Il piano ${year} caricato sarà aggiornato con questo documento. L'avanzamento registrato resta.`,
  homeHint:
    "*Caricare il piano:* invia il documento del Piano della Performance (PDF, Word, o il modello Excel compilato) in un messaggio diretto a questo bot. Ti mostro cosa ho capito e lo importo solo quando confermi.",
  homeButton: "Come importare il piano",
  howTo:
    "Per caricare o aggiornare il Piano della Performance, allega il documento qui, in questo messaggio diretto: PDF, Word (.docx), il modello Excel compilato, o il testo del PIAO.\n" +
    "Ti rispondo con un'anteprima (aree, obiettivi, attività, anomalie e, se un piano è già caricato, le differenze) e i pulsanti «Importa» e «Annulla»: non scrivo nulla finché non confermi.\n" +
    "Se il documento non si legge bene, compila il modello Excel qui allegato e invialo.",
  templateTitle: "Modello Excel del piano",
  templateFilename: "modello-piano.xlsx",
  unreadable: (fileName: string, message: string) => `Non ho importato «${fileName}»: ${message}`,
  cancelled: (fileName: string) => `Importazione di «${fileName}» annullata: il piano caricato non è cambiato.`,
  already: (decision: string | null, by: string | null, at: Date | null) =>
    `Su questo documento è già stato deciso${by ? ` da <@${by}>` : ""}${at ? ` il ${itDateTime(at)}` : ""}: ${
      decision === "cancelled"
        ? "importazione annullata"
        : decision === "failed"
          ? "l'importazione non è riuscita"
          : decision === "importing"
            ? "importazione in corso"
            : "piano importato"
    }. Non ho fatto nulla di nuovo.`,
  failed: (fileName: string, message: string) =>
    `L'importazione di «${fileName}» non è riuscita e il piano caricato non è cambiato: ${message}`,
};

function list(title: string, items: readonly string[]): string | null {
  if (!items.length) return null;
  const shown = items.slice(0, SHOWN).map((x) => `• ${x}`);
  if (items.length > SHOWN) shown.push(`_… e altre ${items.length - SHOWN}_`);
  return `*${title}* (${items.length})\n${shown.join("\n")}`;
}

function diffLines(title: string, d: SectionDiff): string | null {
  if (!d.added.length && !d.changed.length && !d.removed.length) return null;
  const codes = (xs: string[]) =>
    escapeMrkdwn(
      xs.length > SHOWN * 2 ? `${xs.slice(0, SHOWN * 2).join(", ")} … (+${xs.length - SHOWN * 2})` : xs.join(", "),
    );
  const lines = [`*${title}:* ${d.added.length} nuove, ${d.changed.length} modificate, ${d.removed.length} tolte`];
  if (d.added.length) lines.push(`nuove: ${codes(d.added)}`);
  if (d.removed.length) lines.push(`tolte (archiviate, l'avanzamento resta): ${codes(d.removed)}`);
  for (const c of d.changed.slice(0, SHOWN)) {
    lines.push(
      `• ${escapeMrkdwn(c.code)}: ${c.changes.map((f) => `${f.label} «${escapeMrkdwn(clip(f.before, 40))}» → «${escapeMrkdwn(clip(f.after, 40))}»`).join("; ")}`,
    );
  }
  if (d.changed.length > SHOWN) lines.push(`_… e altre ${d.changed.length - SHOWN} modificate_`);
  return lines.join("\n");
}

/** The preview of a document sent to the bot, with "Importa" / "Annulla". */
export function planPreviewMessage(p: PlanPreview, requestId: number): SlackMessage {
  const s = p.summary;
  const headline = `Anteprima del piano ${s.year} — ${s.entity}, da «${s.sourceName}»: ${s.totals.areas} aree, ${s.totals.objectives} obiettivi (${s.ente.objectives} di ente), ${s.totals.activities} attività. Non ho ancora scritto nulla.`;
  const blocks: KnownBlock[] = [section(`*${escapeMrkdwn(headline)}*`)];
  const areaLines = s.areas.map(
    (a) =>
      `• ${escapeMrkdwn(`${a.code}. ${a.name}`)}${a.head ? ` — ${escapeMrkdwn(a.head)}` : " — _responsabile non indicato_"}: ${a.objectives} obiettivi, ${a.activities} attività`,
  );
  if (s.ente.objectives)
    areaLines.push(`• Obiettivi di ente: ${s.ente.objectives} obiettivi, ${s.ente.activities} attività`);
  blocks.push(section(`*Per area*\n${areaLines.join("\n")}`));
  const anomalies = list(
    "Anomalie",
    s.anomalies.map((a) => `[${escapeMrkdwn(a.code)}] ${escapeMrkdwn(clip(a.message, 200))}`),
  );
  if (anomalies) blocks.push(section(anomalies));
  const withoutDate = list(
    "Valori attesi senza una data",
    s.withoutDate.map((w) => `${escapeMrkdwn(w.code)}: «${escapeMrkdwn(clip(w.target, 80))}»`),
  );
  if (withoutDate) blocks.push(section(withoutDate));

  let diffText: string;
  if (!p.diff) diffText = `Nessun piano ${s.year} è caricato: «Importa» lo crea.`;
  else if (p.diff.unchanged) diffText = `È identico al piano ${s.year} già caricato: «Importa» non cambierebbe nulla.`;
  else {
    const parts = [
      `*Differenze con il piano ${s.year} caricato* (da «${escapeMrkdwn(p.loadedFrom ?? "")}»)`,
      p.diff.entity ? `ente: «${escapeMrkdwn(p.diff.entity.before)}» → «${escapeMrkdwn(p.diff.entity.after)}»` : null,
      diffLines("Aree", p.diff.areas),
      diffLines("Obiettivi", p.diff.objectives),
      diffLines("Attività", p.diff.activities),
    ].filter((x): x is string => x !== null);
    diffText = parts.join("\n");
  }
  blocks.push(section(diffText));
  const value: PlanImportButtonValue = { requestId };
  const confirm = button(PLAN_IMPORT_TEXT.confirm, ACTION.planImportConfirm, value, "primary");
  confirm.confirm = {
    title: { type: "plain_text", text: PLAN_IMPORT_TEXT.confirmTitle },
    text: { type: "plain_text", text: PLAN_IMPORT_TEXT.confirmBody(s.year) },
    confirm: { type: "plain_text", text: PLAN_IMPORT_TEXT.confirm },
    deny: { type: "plain_text", text: PLAN_IMPORT_TEXT.cancel },
  };
  if (p.diff)
    blocks.push(
      actions([confirm, button(PLAN_IMPORT_TEXT.cancel, ACTION.planImportCancel, value)], `plan_import_${requestId}`),
    );
  else
    blocks.push(
      actions(
        [{ ...confirm, confirm: undefined }, button(PLAN_IMPORT_TEXT.cancel, ACTION.planImportCancel, value)],
        `plan_import_${requestId}`,
      ),
    );
  blocks.push(context("Per l'elenco completo, da riga di comando: `npx obiettivi importa <file> --anteprima`."));
  return { text: headline, blocks };
}

/** What the click did, in place of the preview's buttons. */
export function planDecisionMessage(o: DecideOutcome): SlackMessage {
  switch (o.kind) {
    case "refused":
      return plainMessage(errorText({ code: "plan_import_refused" }, "slack"));
    case "unknown":
      return plainMessage(errorText({ code: "plan_import_gone" }, "slack"));
    case "already":
      return plainMessage(PLAN_IMPORT_TEXT.already(o.decision, o.decidedBy, o.decidedAt));
    case "cancelled":
      return plainMessage(PLAN_IMPORT_TEXT.cancelled(o.fileName));
    case "failed":
      return plainMessage(PLAN_IMPORT_TEXT.failed(o.fileName, o.message));
    case "imported": {
      const r = o.result;
      const what = r.unchanged
        ? "nessuna modifica, il piano era già identico"
        : `nuove ${r.created.length}, modificate ${r.updated.length}, archiviate ${r.archived.length}, ripristinate ${r.restored.length}`;
      const text = `Piano ${r.year} — ${r.entity} importato da «${o.fileName}»: ${r.counts.areas} aree, ${r.counts.objectives} obiettivi, ${r.counts.activities} attività (${what}).`;
      const blocks: KnownBlock[] = [section(`✅ ${escapeMrkdwn(text)}`)];
      if (r.manualDates.length) {
        blocks.push(
          context(
            `${r.manualDates.length} valori attesi senza una data: imposta la scadenza con \`npx obiettivi scadenza <codice> <data>\`.`,
          ),
        );
      }
      return { text, blocks };
    }
  }
}
