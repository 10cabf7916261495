import type { ActionsBlock, Button, ContextBlock, KnownBlock, SectionBlock } from "@slack/types";

/** Every message we send: blocks for Slack, and the same content as plain `text` (notifications, console, screen readers). */
export interface SlackMessage {
  text: string;
  blocks: KnownBlock[];
}

/** User-typed text shown in mrkdwn: Slack only needs &, < and > escaped. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Slack refuses section texts over 3000 characters; long user content is cut with an ellipsis. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
}

export function section(markdown: string): SectionBlock {
  return { type: "section", text: { type: "mrkdwn", text: clip(markdown, 3000) } };
}

export function fieldsSection(fields: string[]): SectionBlock {
  return {
    type: "section",
    fields: fields.slice(0, 10).map((f) => ({ type: "mrkdwn" as const, text: clip(f, 2000) })),
  };
}

export function context(markdown: string): ContextBlock {
  return { type: "context", elements: [{ type: "mrkdwn", text: clip(markdown, 3000) }] };
}

export function button(label: string, actionId: string, value: unknown, style?: "primary" | "danger"): Button {
  return {
    type: "button",
    text: { type: "plain_text", text: clip(label, 75), emoji: true },
    action_id: actionId,
    value: JSON.stringify(value),
    ...(style ? { style } : {}),
  };
}

export function actions(elements: Button[], blockId?: string): ActionsBlock {
  return { type: "actions", elements: elements.slice(0, 25), ...(blockId ? { block_id: blockId } : {}) };
}

/** A message that is only words (errors, confirmations). */
export function plainMessage(text: string): SlackMessage {
  return { text, blocks: [section(escapeMrkdwn(text))] };
}
