import type { KnownBlock, ModalView, PlainTextOption } from "@slack/types";
import { z } from "zod";
import { itDate, itDateTime } from "../../domain/text/italian.ts";
import { MAX_EVIDENCE } from "../../domain/progress/progress.ts";
import { OUTCOMES, type Outcome } from "../../domain/validation/input.ts";
import { OUTCOME_LABELS, type ValidationPack } from "../../domain/validation/pack.ts";
import { ACTION, VIEW } from "./ids.ts";
import { actions, button, clip, context, escapeMrkdwn, section } from "./message.ts";

/** Block Kit of the validation: the evidence modal, the Nucleo's sample in App Home, the finding modal. */

export const VALIDATION_TEXT = {
  evidenceTitle: "Aggiungi evidenza",
  evidenceSubmit: "Salva",
  close: "Chiudi",
  evidenceLabel: "Evidenza (numero dell'atto o link)",
  evidencePlaceholder: "es. Det. n. 245/2024, Delibera G.C. n. 30/2024, Prot. n. 4521, https://…",
  evidenceSaved: (code: string, evidence: string) => `Evidenza aggiunta a ${code}: ${evidence}.`,
  sampleHeader: "Verifica a campione del Nucleo di Valutazione",
  sampleNone:
    "Nessun campione estratto. Per estrarlo: npx obiettivi validazione --campione 10 --seme <seme> --formato xlsx --output validazione.xlsx",
  sampleIntro: (p: ValidationPack) =>
    `Campione di ${p.sample.length} attività completate su ${p.population} (seme «${p.seed}», dati al ${itDate(p.asOf)}). Controlla le evidenze e registra l'esito: è l'unica cosa che il Nucleo registra, e resta nel registro delle modifiche.`,
  sampleMore: (shown: number, total: number) =>
    `Sono mostrate ${shown} attività su ${total}: per le altre usa il file Excel del campione e «npx obiettivi validazione esiti <file>».`,
  conforme: "Conforme",
  nonConforme: "Non conforme",
  note: "Nota",
  findingTitle: "Esito della verifica",
  findingOutcomeLabel: "Esito",
  findingNoteLabel: "Nota",
  findingNoteHint: "Obbligatoria con l'esito «Nota»: che cosa hai verificato, che cosa manca.",
  findingSaved: (code: string, outcome: Outcome) => `Esito registrato per ${code}: ${OUTCOME_LABELS[outcome]}.`,
} as const;

export const EVIDENCE_BLOCK = { text: "evidence_text" } as const;
export const EVIDENCE_ELEMENT = { text: "evidence_text_input" } as const;
export const FINDING_BLOCK = { outcome: "finding_outcome", note: "finding_note" } as const;
export const FINDING_ELEMENT = { outcome: "finding_outcome_select", note: "finding_note_input" } as const;

export const evidenceMetaSchema = z.object({
  reportId: z.number().int().positive(),
  code: z.string().max(64).optional(),
  responseUrl: z.string().url().max(1000).optional(),
  channelId: z.string().max(64).optional(),
});
export type EvidenceMeta = z.infer<typeof evidenceMetaSchema>;

export const findingValueSchema = z.object({ year: z.number().int(), code: z.string().min(1).max(64) });
export type FindingButtonValue = z.infer<typeof findingValueSchema>;

function plain(text: string) {
  return { type: "plain_text" as const, text: clip(text, 150), emoji: true };
}

export function evidenceModal(
  meta: EvidenceMeta,
  about: { code: string; title: string; acts: string | null },
): ModalView {
  return {
    type: "modal",
    callback_id: VIEW.evidence,
    title: plain(VALIDATION_TEXT.evidenceTitle),
    submit: plain(VALIDATION_TEXT.evidenceSubmit),
    close: plain(VALIDATION_TEXT.close),
    private_metadata: JSON.stringify(meta),
    blocks: [
      section(
        `*${escapeMrkdwn(about.code)}* — ${escapeMrkdwn(clip(about.title, 200))}${about.acts ? `\nServe ${escapeMrkdwn(about.acts)}.` : ""}`,
      ),
      {
        type: "input",
        block_id: EVIDENCE_BLOCK.text,
        label: plain(VALIDATION_TEXT.evidenceLabel),
        element: {
          type: "plain_text_input",
          action_id: EVIDENCE_ELEMENT.text,
          max_length: MAX_EVIDENCE,
          placeholder: plain(VALIDATION_TEXT.evidencePlaceholder),
        },
      },
    ],
  };
}

function outcomeOption(o: Outcome): PlainTextOption {
  return { text: plain(OUTCOME_LABELS[o]), value: o };
}

export function findingModal(
  value: FindingButtonValue,
  about: { title: string; outcome: Outcome | null; note: string | null },
): ModalView {
  return {
    type: "modal",
    callback_id: VIEW.finding,
    title: plain(VALIDATION_TEXT.findingTitle),
    submit: plain(VALIDATION_TEXT.evidenceSubmit),
    close: plain(VALIDATION_TEXT.close),
    private_metadata: JSON.stringify(value),
    blocks: [
      section(`*${escapeMrkdwn(value.code)}* — ${escapeMrkdwn(clip(about.title, 200))}`),
      {
        type: "input",
        block_id: FINDING_BLOCK.outcome,
        label: plain(VALIDATION_TEXT.findingOutcomeLabel),
        element: {
          type: "static_select",
          action_id: FINDING_ELEMENT.outcome,
          options: OUTCOMES.map(outcomeOption),
          initial_option: outcomeOption(about.outcome ?? "nota"),
        },
      },
      {
        type: "input",
        block_id: FINDING_BLOCK.note,
        optional: true,
        label: plain(VALIDATION_TEXT.findingNoteLabel),
        hint: plain(VALIDATION_TEXT.findingNoteHint),
        element: {
          type: "plain_text_input",
          action_id: FINDING_ELEMENT.note,
          multiline: true,
          max_length: 1000,
          ...(about.note ? { initial_value: about.note } : {}),
        },
      },
    ],
  };
}

/** App Home sections for the Nucleo: at most this many sampled activities (two blocks each). */
export const HOME_SAMPLE_SHOWN = 20;

export function homeSampleBlocks(pack: ValidationPack | null): KnownBlock[] {
  const blocks: KnownBlock[] = [{ type: "divider" }, section(`*${VALIDATION_TEXT.sampleHeader}*`)];
  if (!pack) return [...blocks, context(escapeMrkdwn(VALIDATION_TEXT.sampleNone))];
  blocks.push(context(escapeMrkdwn(VALIDATION_TEXT.sampleIntro(pack))));
  for (const s of pack.sample.slice(0, HOME_SAMPLE_SHOWN)) {
    const ev = s.evidence.length
      ? `evidenze: ${s.evidence.join("; ")}`
      : s.withoutEvidence
        ? "senza evidenza"
        : "nessuna evidenza";
    const verdict = s.outcome
      ? `esito: *${OUTCOME_LABELS[s.outcome]}*${s.note ? ` — «${escapeMrkdwn(clip(s.note, 200))}»` : ""}${s.recordedAt ? ` (${itDateTime(new Date(s.recordedAt))})` : ""}`
      : "esito: _da verificare_";
    blocks.push(
      section(
        `*${escapeMrkdwn(s.code)}* ${escapeMrkdwn(clip(s.title, 150))}\ncompletata${s.completedOn ? ` il ${itDate(s.completedOn)}` : ""} · ${escapeMrkdwn(clip(ev, 400))}\n${verdict}`,
      ),
    );
    const value: FindingButtonValue = { year: pack.year, code: s.code };
    blocks.push(
      actions(
        [
          button(VALIDATION_TEXT.conforme, ACTION.findingConforme, value, "primary"),
          button(VALIDATION_TEXT.nonConforme, ACTION.findingNonConforme, value, "danger"),
          button(VALIDATION_TEXT.note, ACTION.findingNote, value),
        ],
        `finding_${s.code}`,
      ),
    );
  }
  if (pack.sample.length > HOME_SAMPLE_SHOWN)
    blocks.push(context(escapeMrkdwn(VALIDATION_TEXT.sampleMore(HOME_SAMPLE_SHOWN, pack.sample.length))));
  return blocks;
}
