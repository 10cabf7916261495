import type { InputBlock, KnownBlock, ModalView, Option, PlainTextOption } from "@slack/types";
import { z } from "zod";
import type { ActivityInfo, PickerOption, PickerSource } from "../../domain/plan/activity.ts";
import { parseItalianNumber } from "../../domain/plan/targets.ts";
import {
  MAX_EVIDENCE,
  MAX_REPORT_NOTE,
  PROGRESS_STATUSES,
  STATUS_LABELS,
  type DerivedProgress,
  type ProgressStatus,
  type ReportKind,
} from "../../domain/progress/progress.ts";
import {
  blockedWithoutReason,
  dayProblem,
  evidenceTooLong,
  noteTooLong,
  valueProblem,
} from "../../domain/progress/validate.ts";
import { checkPercentCounts, MAX_SOURCE_LENGTH } from "../../domain/validation/counts.ts";
import { VIEW } from "./ids.ts";
import { clip, context, escapeMrkdwn, section } from "./message.ts";
import { shortTitle, stateLines, T, whereText } from "./obiettivo-strings.ts";

/**
 * The report modal, as data: the builder and the reader of its submission share the
 * block and action ids below, so a renamed field cannot silently stop being read.
 */

export const REPORT_BLOCK = {
  activity: "report_activity",
  status: "report_status",
  value: "report_value",
  date: "report_date",
  note: "report_note",
  evidence: "report_evidence",
  numerator: "report_numerator",
  denominator: "report_denominator",
  source: "report_source",
  behalf: "report_behalf",
} as const;

export const REPORT_ELEMENT = {
  activity: "report_activity_pick",
  status: "report_status_select",
  value: "report_value_input",
  date: "report_date_pick",
  note: "report_note_input",
  evidence: "report_evidence_input",
  numerator: "report_numerator_input",
  denominator: "report_denominator_input",
  source: "report_source_input",
  behalf: "report_behalf_pick",
} as const;

/** Carried in private_metadata: which activity, and where to answer after the submission. */
export const reportModalMetaSchema = z.object({
  year: z.number().int(),
  code: z.string().min(1).max(64).optional(),
  responseUrl: z.string().url().max(1000).optional(),
  channelId: z.string().max(64).optional(),
});
export type ReportModalMeta = z.infer<typeof reportModalMetaSchema>;

export function parseReportModalMeta(raw: string | undefined): ReportModalMeta | null {
  try {
    const parsed = reportModalMetaSchema.safeParse(JSON.parse(raw ?? ""));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** How the value of an activity is asked for and stored, by indicator kind. */
export type ValueField = "percent" | "count" | "boolean" | "amount" | "measure";

export function valueFieldFor(targetKind: string): ValueField {
  switch (targetKind) {
    case "count":
      return "count";
    case "boolean":
      return "boolean";
    case "amount":
      return "amount";
    case "upper_bound":
      return "measure";
    default:
      return "percent";
  }
}

const VALUE_KIND: Record<ValueField, ReportKind> = {
  percent: "percent",
  count: "count_set",
  boolean: "boolean",
  amount: "amount",
  measure: "measure",
};

function plain(text: string) {
  return { type: "plain_text" as const, text, emoji: true };
}

function pickerOptionOf(o: Pick<PickerOption, "code" | "title">): PlainTextOption {
  return { text: plain(clip(`${o.code} — ${o.title.replace(/\s+/g, " ")}`, 75)), value: o.code };
}

function pickerBlock(source: PickerSource, selected?: Pick<PickerOption, "code" | "title">): InputBlock {
  const initial = selected ? pickerOptionOf(selected) : undefined;
  if (source.kind === "external") {
    return {
      type: "input",
      block_id: REPORT_BLOCK.activity,
      dispatch_action: true,
      label: plain(T.pickerLabel),
      element: {
        type: "external_select",
        action_id: REPORT_ELEMENT.activity,
        placeholder: plain(T.pickerPlaceholder),
        min_query_length: 0,
        ...(initial ? { initial_option: initial } : {}),
      },
    };
  }
  const groups = new Map<string, PlainTextOption[]>();
  for (const o of source.options.slice(0, 100)) {
    const list = groups.get(o.group) ?? [];
    list.push(pickerOptionOf(o));
    groups.set(o.group, list);
  }
  const optionGroups = [...groups.entries()].map(([label, options]) => ({ label: plain(clip(label, 75)), options }));
  const initialOption = initial
    ? optionGroups.flatMap((g) => g.options).find((o) => o.value === initial.value)
    : undefined;
  return {
    type: "input",
    block_id: REPORT_BLOCK.activity,
    dispatch_action: true,
    label: plain(T.pickerLabel),
    element: {
      type: "static_select",
      action_id: REPORT_ELEMENT.activity,
      placeholder: plain(T.pickerPlaceholder),
      option_groups: optionGroups,
      ...(initialOption ? { initial_option: initialOption } : {}),
    },
  };
}

function baseModal(blocks: KnownBlock[], meta: ReportModalMeta, withSubmit: boolean): ModalView {
  return {
    type: "modal",
    callback_id: VIEW.report,
    title: plain(T.modalTitle),
    ...(withSubmit ? { submit: plain(T.modalSubmit) } : {}),
    close: plain(T.modalClose),
    private_metadata: JSON.stringify(meta),
    blocks,
  };
}

/** `/obiettivo` alone: only the picker; choosing an activity turns it into the full form. */
export function pickerModal(source: PickerSource, meta: ReportModalMeta): ModalView {
  if (source.kind === "static" && source.options.length === 0) {
    return baseModal([section(T.pickerNone)], { ...meta, code: undefined }, false);
  }
  return baseModal([section(T.pickerIntro), pickerBlock(source)], { ...meta, code: undefined }, true);
}

export interface ReportModalInput {
  activity: ActivityInfo;
  progress: DerivedProgress;
  today: string;
  meta: ReportModalMeta;
  /** Present when the modal was opened from the picker: it stays on top to change activity. */
  picker?: PickerSource;
  /** The person may record for a colleague (Responsabile, Segretario, admin): a user picker is shown. */
  onBehalf?: boolean;
}

export { mayActForOthers } from "../../domain/progress/on-behalf.ts";

/** The colleague chosen in "Per conto di", or null. */
export function selectedOnBehalf(values: ViewValues): string | null {
  const v = values[REPORT_BLOCK.behalf]?.[REPORT_ELEMENT.behalf] as { selected_user?: string | null } | undefined;
  return v?.selected_user ?? null;
}

/** The full form for one activity, prefilled with its current state. */
export function reportModal({ activity: a, progress: p, today, meta, picker, onBehalf }: ReportModalInput): ModalView {
  const field = valueFieldFor(a.targetKind);
  const blocks: KnownBlock[] = [];
  if (picker) blocks.push(pickerBlock(picker, a));
  blocks.push(
    section(`*${escapeMrkdwn(a.code)}* — ${escapeMrkdwn(shortTitle(a.title, 200))}`),
    context(
      escapeMrkdwn(
        `${whereText(a)}\nIndicatore: ${shortTitle(a.indicatorName || "—", 100)} · ${stateLines(a, p, today)
          .map((l) => `${l.label}: ${l.value.replace(/:[a-z_]+: /g, "")}`)
          .join(" · ")}`,
      ),
    ),
    statusBlock(p.status),
    valueBlock(field, a, p),
    ...(a.targetKind === "percentage" ? countBlocks() : []),
    {
      type: "input",
      block_id: REPORT_BLOCK.date,
      optional: true,
      label: plain(T.dateLabel),
      hint: plain(T.dateHint),
      element: {
        type: "datepicker",
        action_id: REPORT_ELEMENT.date,
        ...(p.completedOn ? { initial_date: p.completedOn } : {}),
      },
    },
    {
      type: "input",
      block_id: REPORT_BLOCK.note,
      optional: true,
      label: plain(T.noteLabel),
      hint: plain(T.noteHint),
      element: {
        type: "plain_text_input",
        action_id: REPORT_ELEMENT.note,
        multiline: true,
        max_length: MAX_REPORT_NOTE,
      },
    },
    {
      type: "input",
      block_id: REPORT_BLOCK.evidence,
      optional: true,
      label: plain(T.evidenceLabel),
      element: {
        type: "plain_text_input",
        action_id: REPORT_ELEMENT.evidence,
        max_length: MAX_EVIDENCE,
        placeholder: plain(T.evidencePlaceholder),
      },
    },
  );
  if (onBehalf) {
    blocks.push({
      type: "input",
      block_id: REPORT_BLOCK.behalf,
      optional: true,
      label: plain("Per conto di"),
      hint: plain(
        "Solo se registri il lavoro di un collega della tua area: resterà scritto «registrato da te per lui/lei».",
      ),
      element: {
        type: "users_select",
        action_id: REPORT_ELEMENT.behalf,
        placeholder: plain("Scegli un collega (facoltativo)"),
      },
    });
  }
  return baseModal(blocks, { ...meta, year: a.year, code: a.code }, true);
}

/** Percentage indicators: numerator, denominator and source, which then make the percentage. */
function countBlocks(): InputBlock[] {
  const count = (block: string, element: string, label: string, placeholder: string): InputBlock => ({
    type: "input",
    block_id: block,
    optional: true,
    label: plain(label),
    element: { type: "plain_text_input", action_id: element, max_length: 12, placeholder: plain(placeholder) },
  });
  return [
    count(REPORT_BLOCK.numerator, REPORT_ELEMENT.numerator, "Numeratore (quanti)", "es. 45 pratiche evase"),
    {
      ...count(
        REPORT_BLOCK.denominator,
        REPORT_ELEMENT.denominator,
        "Denominatore (su quanti)",
        "es. 47 pratiche ricevute",
      ),
      hint: plain("Con numeratore e denominatore la percentuale si calcola da sola (45 su 47 = 95,7%)."),
    },
    {
      type: "input",
      block_id: REPORT_BLOCK.source,
      optional: true,
      label: plain("Fonte del dato"),
      element: {
        type: "plain_text_input",
        action_id: REPORT_ELEMENT.source,
        max_length: MAX_SOURCE_LENGTH,
        placeholder: plain("es. protocollo, gestionale tributi"),
      },
    },
  ];
}

function statusOption(s: ProgressStatus): PlainTextOption {
  return { text: plain(STATUS_LABELS[s]), value: s };
}

function statusBlock(current: ProgressStatus): InputBlock {
  return {
    type: "input",
    block_id: REPORT_BLOCK.status,
    label: plain(T.statusLabel),
    element: {
      type: "static_select",
      action_id: REPORT_ELEMENT.status,
      options: PROGRESS_STATUSES.map(statusOption),
      initial_option: statusOption(current),
    },
  };
}

function numberText(n: number | null): string | undefined {
  if (n === null) return undefined;
  return String(Math.round(n * 100) / 100).replace(".", ",");
}

function valueBlock(field: ValueField, a: ActivityInfo, p: DerivedProgress): InputBlock {
  const target = `Valore atteso: ${shortTitle(a.targetText || "—", 150)}`;
  if (field === "boolean") {
    const yes: Option = { text: plain(T.yes), value: "1" };
    const no: Option = { text: plain(T.no), value: "0" };
    return {
      type: "input",
      block_id: REPORT_BLOCK.value,
      optional: true,
      label: plain(T.booleanLabel),
      hint: plain(target),
      element: {
        type: "radio_buttons",
        action_id: REPORT_ELEMENT.value,
        options: [yes, no],
        ...(p.achievedValue === null ? {} : { initial_option: p.achievedValue ? yes : no }),
      },
    };
  }
  const label =
    field === "percent"
      ? T.percentLabel
      : field === "count"
        ? T.countLabel
        : `${field === "amount" ? T.amountLabel : T.measureLabel}${a.unit ? ` (${a.unit})` : ""}`;
  const current = field === "percent" ? p.percent : field === "count" ? p.count : p.achievedValue;
  const initial = numberText(current);
  return {
    type: "input",
    block_id: REPORT_BLOCK.value,
    optional: true,
    label: plain(label),
    hint: plain(target),
    element: {
      type: "plain_text_input",
      action_id: REPORT_ELEMENT.value,
      max_length: 20,
      ...(initial ? { initial_value: initial } : {}),
      placeholder: plain(field === "percent" ? "es. 60" : field === "count" ? "es. 5" : "es. 1250,50"),
    },
  };
}

// ---------------------------------------------------------------- reading a submission

/** view.state.values as Slack sends it. */
export type ViewValues = Record<
  string,
  Record<
    string,
    | {
        type?: string;
        value?: string | null;
        selected_option?: { value?: string } | null;
        selected_date?: string | null;
      }
    | undefined
  >
>;

export function selectedActivityCode(values: ViewValues): string | null {
  return values[REPORT_BLOCK.activity]?.[REPORT_ELEMENT.activity]?.selected_option?.value ?? null;
}

export interface ReportSubmission {
  kind: ReportKind;
  /** Only when the user changed it: an unchanged status lets the value speak (100% completes). */
  status: ProgressStatus | null;
  value: number | null;
  occurredOn: string | null;
  note: string | null;
  evidence: string | null;
  numerator: number | null;
  denominator: number | null;
  valueSource: string | null;
}

export type SubmissionResult = { ok: true; report: ReportSubmission } | { ok: false; errors: Record<string, string> };

/**
 * Validates the form against the activity's indicator; errors are keyed by block_id,
 * as `ack({ response_action: "errors" })` wants them. Only what changed becomes the report.
 */
export function readReportSubmission(
  values: ViewValues,
  a: ActivityInfo,
  current: DerivedProgress,
  today: string,
): SubmissionResult {
  const errors: Record<string, string> = {};
  const field = valueFieldFor(a.targetKind);
  const get = (block: string, element: string) => values[block]?.[element];

  const statusRaw = get(REPORT_BLOCK.status, REPORT_ELEMENT.status)?.selected_option?.value ?? current.status;
  const status = (PROGRESS_STATUSES as readonly string[]).includes(statusRaw)
    ? (statusRaw as ProgressStatus)
    : current.status;

  let value: number | null = null;
  const valueState = get(REPORT_BLOCK.value, REPORT_ELEMENT.value);
  if (field === "boolean") {
    const v = valueState?.selected_option?.value;
    value = v === "1" ? 1 : v === "0" ? 0 : null;
  } else {
    const raw = (valueState?.value ?? "").trim().replace(/\s*%$/, "").replace(/\s*€$/, "");
    if (raw !== "") {
      const n = parseItalianNumber(raw.startsWith(".") || raw.startsWith(",") ? `0${raw}` : raw);
      // The form sets a total: a whole count, a percentage, or an amount.
      const problem =
        n === null
          ? "not_a_number"
          : (valueProblem(VALUE_KIND[field], n) ?? (field === "count" && !Number.isInteger(n) ? "count_range" : null));
      if (problem)
        errors[REPORT_BLOCK.value] = field === "percent" ? T.errPercent : field === "count" ? T.errCount : T.errNumber;
      else value = n;
    }
  }

  // Counts (percentage indicators): both or neither; they make the percentage.
  let numerator: number | null = null;
  let denominator: number | null = null;
  const numRaw = (get(REPORT_BLOCK.numerator, REPORT_ELEMENT.numerator)?.value ?? "").trim();
  const denRaw = (get(REPORT_BLOCK.denominator, REPORT_ELEMENT.denominator)?.value ?? "").trim();
  const valueSource = (get(REPORT_BLOCK.source, REPORT_ELEMENT.source)?.value ?? "").trim() || null;
  if (a.targetKind === "percentage" && (numRaw || denRaw)) {
    const intOf = (t: string) => (/^\d{1,9}$/.test(t) ? Number(t) : null);
    const n = intOf(numRaw);
    const d = intOf(denRaw);
    if (!numRaw) errors[REPORT_BLOCK.numerator] = "Indica anche il numeratore (quanti), per esempio 45.";
    else if (n === null) errors[REPORT_BLOCK.numerator] = "Il numeratore deve essere un numero intero da 0 in su.";
    if (!denRaw) errors[REPORT_BLOCK.denominator] = "Indica anche il denominatore (su quanti), per esempio 47.";
    else if (d === null)
      errors[REPORT_BLOCK.denominator] = "Il denominatore deve essere un numero intero maggiore di zero.";
    if (n !== null && d !== null) {
      const checked = checkPercentCounts(n, d);
      if (!checked.ok) errors[d === 0 ? REPORT_BLOCK.denominator : REPORT_BLOCK.numerator] = checked.message;
      else {
        numerator = n;
        denominator = d;
        value = checked.percent;
        delete errors[REPORT_BLOCK.value];
      }
    }
  }
  if (valueSource && valueSource.length > MAX_SOURCE_LENGTH)
    errors[REPORT_BLOCK.source] = `Massimo ${MAX_SOURCE_LENGTH} caratteri.`;

  const dateRaw = get(REPORT_BLOCK.date, REPORT_ELEMENT.date)?.selected_date ?? null;
  let occurredOn: string | null = null;
  if (status === "completata" && dateRaw) {
    const problem = dayProblem(dateRaw, today);
    if (problem === "bad_date") errors[REPORT_BLOCK.date] = "Data non valida.";
    else if (problem === "future_date")
      errors[REPORT_BLOCK.date] =
        `La data di completamento non può essere nel futuro (oggi è ${today.split("-").reverse().join("/")}).`;
    else occurredOn = dateRaw;
  }

  const note = (get(REPORT_BLOCK.note, REPORT_ELEMENT.note)?.value ?? "").trim() || null;
  if (noteTooLong(note)) errors[REPORT_BLOCK.note] = `Massimo ${MAX_REPORT_NOTE} caratteri.`;
  if (blockedWithoutReason(status, note, current.status)) errors[REPORT_BLOCK.note] = T.errBlockedReason;

  const evidence = (get(REPORT_BLOCK.evidence, REPORT_ELEMENT.evidence)?.value ?? "").trim() || null;
  if (evidence) {
    if (evidenceTooLong(evidence)) errors[REPORT_BLOCK.evidence] = `Massimo ${MAX_EVIDENCE} caratteri.`;
    else if (
      /^(?:https?|www\.)/i.test(evidence) &&
      !isHttpUrl(evidence.startsWith("www.") ? `https://${evidence}` : evidence)
    ) {
      errors[REPORT_BLOCK.evidence] = T.errUrl;
    }
  }
  if (Object.keys(errors).length) return { ok: false, errors };

  const currentValue =
    field === "percent" ? current.percent : field === "count" ? current.count : current.achievedValue;
  const valueChanged = (value !== null && value !== currentValue) || denominator !== null;
  const statusChanged =
    status !== current.status || (status === "completata" && occurredOn !== null && occurredOn !== current.completedOn);
  if (!valueChanged && !statusChanged && !note && !evidence) {
    return { ok: false, errors: { [REPORT_BLOCK.status]: T.errNothingChanged } };
  }
  const kind: ReportKind = valueChanged ? VALUE_KIND[field] : statusChanged ? "status" : "note";
  return {
    ok: true,
    report: {
      kind,
      status: statusChanged ? status : null,
      value: valueChanged ? value : null,
      occurredOn,
      note,
      evidence,
      numerator: valueChanged ? numerator : null,
      denominator: valueChanged ? denominator : null,
      valueSource: valueChanged && denominator !== null ? valueSource : null,
    },
  };
}

function isHttpUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return (u.protocol === "http:" || u.protocol === "https:") && u.hostname.includes(".");
  } catch {
    return false;
  }
}

/** The external picker's options, grouped as the static list is (own area, Comune-wide, others). */
export function pickerOptionGroups(options: readonly PickerOption[]) {
  const groups = new Map<string, { text: { type: "plain_text"; text: string }; value: string }[]>();
  for (const o of options) {
    const list = groups.get(o.group) ?? [];
    const label = `${o.code} — ${o.title.replace(/\s+/g, " ")}`;
    list.push({
      text: { type: "plain_text", text: label.length > 75 ? `${label.slice(0, 74)}…` : label },
      value: o.code,
    });
    groups.set(o.group, list);
  }
  return [...groups.entries()].map(([label, opts]) => ({
    label: { type: "plain_text" as const, text: label.slice(0, 75) },
    options: opts,
  }));
}
