/**
 * Block Kit as readable plain text, for the local console: the same messages and modals
 * the bot sends to Slack, shown in a terminal. Pure: blocks in, text out.
 */

type Json = Record<string, unknown>;

const RULE = "─".repeat(40);

/** The emoji shortcodes our builders use, as characters a terminal shows. */
const EMOJI: Record<string, string> = {
  white_check_mark: "✅",
  heavy_check_mark: "✔️",
  warning: "⚠️",
  x: "❌",
  no_entry: "⛔",
  hourglass: "⏳",
  hourglass_flowing_sand: "⏳",
  calendar: "📅",
  date: "📅",
  spiral_calendar_pad: "🗓️",
  memo: "📝",
  pencil: "📝",
  bar_chart: "📊",
  chart_with_upwards_trend: "📈",
  red_circle: "🔴",
  large_yellow_circle: "🟡",
  large_green_circle: "🟢",
  white_circle: "⚪",
  information_source: "ℹ️",
  bulb: "💡",
  mag: "🔍",
  leftwards_arrow_with_hook: "↩️",
  arrows_counterclockwise: "🔄",
  page_facing_up: "📄",
  link: "🔗",
  lock: "🔒",
  tada: "🎉",
  wave: "👋",
  construction: "🚧",
  pushpin: "📌",
  clipboard: "📋",
  bell: "🔔",
  twisted_rightwards_arrows: "🔀",
  scroll: "📜",
  large_blue_circle: "🔵",
  alarm_clock: "⏰",
  hammer_and_wrench: "🛠️",
  speech_balloon: "💬",
  busts_in_silhouette: "👥",
};

/** Slack mrkdwn to plain text: links and mentions readable, formatting marks removed, entities decoded. */
export function mrkdwnToText(text: string): string {
  let t = text;
  t = t.replace(/<([^<>]+)>/g, (_m, inner: string) => {
    const [target, label] = splitOnce(inner, "|");
    if (target.startsWith("@")) return `@${label ?? target.slice(1)}`;
    if (target.startsWith("#")) return `#${label ?? target.slice(1)}`;
    if (target.startsWith("!")) {
      const special = target.slice(1).split("^")[0]!;
      if (special.startsWith("date")) return label ?? "";
      return `@${label ?? special}`;
    }
    return label && label !== target ? `${label} (${target})` : target;
  });
  // *bold*, _italic_, ~strike~ and `code` lose their marks (only when they wrap a word).
  t = t.replace(/(^|[\s(«"'])\*([^*\n]+?)\*(?=$|[\s).,;:!?»"'])/gm, "$1$2");
  t = t.replace(/(^|[\s(«"'])_([^_\n]+?)_(?=$|[\s).,;:!?»"'])/gm, "$1$2");
  t = t.replace(/(^|[\s(«"'])~([^~\n]+?)~(?=$|[\s).,;:!?»"'])/gm, "$1$2");
  t = t.replace(/```([\s\S]*?)```/g, "$1");
  t = t.replace(/`([^`\n]+)`/g, "$1");
  t = t.replace(/:([a-z0-9_+-]+):/g, (m, name: string) => EMOJI[name] ?? m);
  return t.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

function splitOnce(s: string, sep: string): [string, string | undefined] {
  const i = s.indexOf(sep);
  return i < 0 ? [s, undefined] : [s.slice(0, i), s.slice(i + 1)];
}

function textOf(obj: unknown): string {
  if (!obj || typeof obj !== "object") return "";
  const o = obj as Json;
  if (typeof o.text !== "string") return "";
  return o.type === "mrkdwn"
    ? mrkdwnToText(o.text)
    : o.text.replace(/:([a-z0-9_+-]+):/g, (m, name: string) => EMOJI[name] ?? m);
}

function indent(text: string, prefix: string): string {
  return text
    .split("\n")
    .map((l) => (l === "" ? l : `${prefix}${l}`))
    .join("\n");
}

function optionsOf(el: Json): Json[] {
  if (Array.isArray(el.options)) return el.options as Json[];
  if (Array.isArray(el.option_groups))
    return (el.option_groups as Json[]).flatMap((g) => (Array.isArray(g.options) ? (g.options as Json[]) : []));
  return [];
}

/** A button of a rendered message, numbered so the console can "press" it. */
export interface RenderedButton {
  number: number;
  label: string;
  actionId: string;
  value: string | undefined;
}

/** Collects buttons while rendering; absent = buttons are shown without numbers. */
interface ButtonSink {
  buttons: RenderedButton[];
}

/** An interactive element as one line: [Etichetta], a select with its choices, a text field with its value. */
export function elementToText(el: unknown, sink?: ButtonSink): string {
  if (!el || typeof el !== "object") return "";
  const e = el as Json;
  switch (e.type) {
    case "button": {
      const label = textOf(e.text);
      if (!sink || typeof e.action_id !== "string") return `[${label}]`;
      const number = sink.buttons.length + 1;
      sink.buttons.push({
        number,
        label,
        actionId: e.action_id,
        value: typeof e.value === "string" ? e.value : undefined,
      });
      return `[${number}: ${label}]`;
    }
    case "static_select":
    case "multi_static_select":
    case "external_select":
    case "multi_external_select":
    case "radio_buttons":
    case "checkboxes": {
      const chosen = (e.initial_option ??
        (Array.isArray(e.initial_options) ? (e.initial_options as Json[])[0] : undefined)) as Json | undefined;
      const opts = optionsOf(e);
      const list = opts.length
        ? `: ${opts
            .slice(0, 12)
            .map((o) => textOf(o.text))
            .join(" | ")}${opts.length > 12 ? ` | … (${opts.length} scelte)` : ""}`
        : "";
      const current = chosen ? ` = ${textOf(chosen.text)}` : e.placeholder ? ` (${textOf(e.placeholder)})` : "";
      return `[scelta${current}${list}]`;
    }
    case "plain_text_input":
    case "number_input":
    case "url_text_input":
    case "email_text_input":
      return typeof e.initial_value === "string" && e.initial_value !== ""
        ? `[${e.initial_value}]`
        : `[${e.placeholder ? textOf(e.placeholder) : "…"}]`;
    case "datepicker":
      return `[data${typeof e.initial_date === "string" ? `: ${e.initial_date.split("-").reverse().join("/")}` : ""}]`;
    case "timepicker":
      return `[ora${typeof e.initial_time === "string" ? `: ${e.initial_time}` : ""}]`;
    case "overflow":
      return `[⋯ ${optionsOf(e)
        .map((o) => textOf(o.text))
        .join(" | ")}]`;
    case "image":
      return typeof e.alt_text === "string" ? `[immagine: ${e.alt_text}]` : "[immagine]";
    case "mrkdwn":
    case "plain_text":
      return textOf(e);
    default:
      return typeof e.type === "string" ? `[${e.type}]` : "";
  }
}

function richTextToText(el: unknown): string {
  if (!el || typeof el !== "object") return "";
  const e = el as Json;
  if (typeof e.text === "string") return e.text;
  if (e.type === "user" && typeof e.user_id === "string") return `@${e.user_id}`;
  if (e.type === "channel" && typeof e.channel_id === "string") return `#${e.channel_id}`;
  if (e.type === "link" && typeof e.url === "string") return e.url;
  if (e.type === "emoji" && typeof e.name === "string") return EMOJI[e.name] ?? `:${e.name}:`;
  if (Array.isArray(e.elements)) {
    const parts = (e.elements as unknown[]).map(richTextToText);
    return e.type === "rich_text_list" ? parts.map((p) => `• ${p}`).join("\n") : parts.join("");
  }
  return "";
}

/** One block as text lines (no trailing newline). */
export function blockToText(block: unknown, sink?: ButtonSink): string {
  if (!block || typeof block !== "object") return "";
  const b = block as Json;
  switch (b.type) {
    case "header": {
      const t = textOf(b.text);
      return `${t}\n${"═".repeat(Math.min(60, Math.max(3, [...t].length)))}`;
    }
    case "section": {
      const parts: string[] = [];
      const t = textOf(b.text);
      if (t) parts.push(t);
      if (Array.isArray(b.fields)) parts.push((b.fields as unknown[]).map(textOf).join("\n"));
      if (b.accessory) {
        const acc = elementToText(b.accessory, sink);
        if (acc) parts.push(acc);
      }
      return parts.join("\n");
    }
    case "divider":
      return RULE;
    case "context":
      return Array.isArray(b.elements)
        ? (b.elements as unknown[])
            .map((e) => elementToText(e))
            .filter((s) => s !== "")
            .join(" · ")
        : "";
    case "actions":
      return Array.isArray(b.elements) ? (b.elements as unknown[]).map((e) => elementToText(e, sink)).join(" ") : "";
    case "input": {
      const label = textOf(b.label);
      const optional = b.optional ? " (facoltativo)" : "";
      const hint = b.hint ? `\n${indent(textOf(b.hint), "  ")}` : "";
      return `${label}${optional}: ${elementToText(b.element)}${hint}`;
    }
    case "image":
      return `[immagine: ${typeof b.alt_text === "string" ? b.alt_text : ""}]`;
    case "rich_text":
      return richTextToText(b);
    case "markdown":
      return typeof b.text === "string" ? b.text : "";
    default:
      return "";
  }
}

/** A message (blocks, or its text fallback when it has none). */
export function messageToText(message: { text?: string; blocks?: unknown[] }): string {
  return renderMessage(message, false).text;
}

/** A message as text, its buttons numbered ([1: Annulla]) and listed so that a terminal can press them. */
export function renderMessage(
  message: { text?: string; blocks?: unknown[] },
  numberButtons = true,
): { text: string; buttons: RenderedButton[] } {
  const blocks = Array.isArray(message.blocks) ? message.blocks : [];
  if (blocks.length === 0) return { text: mrkdwnToText(message.text ?? ""), buttons: [] };
  const sink: ButtonSink | undefined = numberButtons ? { buttons: [] } : undefined;
  const text = blocks
    .map((b) => blockToText(b, sink))
    .filter((s) => s !== "")
    .join("\n");
  return { text, buttons: sink?.buttons ?? [] };
}

/** A modal, framed, with its buttons: what Slack would open. */
export function viewToText(view: { title?: unknown; blocks?: unknown[]; submit?: unknown; close?: unknown }): string {
  const title = textOf(view.title) || "Finestra";
  const body = indent(messageToText({ blocks: view.blocks ?? [] }), "│ ");
  const buttons = [view.close ? `[${textOf(view.close)}]` : "", view.submit ? `[${textOf(view.submit)}]` : ""]
    .filter((s) => s !== "")
    .join(" ");
  const top = `┌─ ${title} ${"─".repeat(Math.max(3, 36 - [...title].length))}`;
  return [top, body, buttons ? `│ ${buttons}` : "", `└${"─".repeat(40)}`].filter((s) => s !== "").join("\n");
}
