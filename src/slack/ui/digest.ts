import type { HeaderBlock, KnownBlock } from "@slack/types";
import type { AreaDigest } from "../../domain/digest/digest.ts";
import { digestWords, moreLine, type DigestStyle } from "../../domain/digest/text.ts";
import { clip, context, escapeMrkdwn, section, type SlackMessage } from "./message.ts";

/** Slack's limits: 50 blocks a message, 3000 characters a section text, 150 a header. */
const SECTION_MAX = 3000;
const HEADER_MAX = 150;

const SLACK_STYLE: DigestStyle = {
  text: escapeMrkdwn,
  bold: (s) => `*${s}*`,
  code: (s) => `\`${s}\``,
  mention: (id) => `<@${id}>`,
};

/**
 * Fills a section with as many lines as fit in Slack's 3000 characters, counting those
 * left out (with the ones the digest already left out) in a last "… e altre N" line.
 */
export function fitLines(head: string, lines: readonly string[], alreadyLeftOut: number, max = SECTION_MAX): string {
  const reserve = 40; // room for the "… e altre N" line
  let text = head;
  let used = 0;
  for (const line of lines) {
    const next = `${text}\n${line}`;
    const leftAfter = lines.length - used - 1 + alreadyLeftOut;
    if (next.length > (leftAfter > 0 ? max - reserve : max)) break;
    text = next;
    used++;
  }
  const leftOut = lines.length - used + alreadyLeftOut;
  return leftOut > 0 ? `${text}\n${moreLine(leftOut)}` : text;
}

/** The weekly digest of one area, for its channel. */
export function digestMessage(d: AreaDigest): SlackMessage {
  const w = digestWords(d, SLACK_STYLE);
  if (d.quiet) return { text: w.quietLine, blocks: [section(`:white_check_mark: ${escapeMrkdwn(w.quietLine)}`)] };
  const header: HeaderBlock = {
    type: "header",
    text: { type: "plain_text", text: clip(w.title, HEADER_MAX), emoji: true },
  };
  const blocks: KnownBlock[] = [header, context(w.subtitle), section(w.summary)];
  for (const sec of w.sections) {
    blocks.push({ type: "divider" });
    const head = sec.intro ? `*${sec.heading}*\n${sec.intro}` : `*${sec.heading}*`;
    blocks.push(section(fitLines(head, sec.lines, sec.notShown)));
  }
  return { text: w.fallback, blocks };
}
