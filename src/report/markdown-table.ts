/** A Markdown table cell: no line breaks, pipes escaped, a dash when empty. */
export function cell(text: string | null | undefined): string {
  return (
    (text ?? "")
      .replace(/\s*\n\s*/g, " ")
      .replace(/\|/g, "\\|")
      .trim() || "—"
  );
}

/** A Markdown table, then a blank line. */
export function table(head: string[], rows: string[][]): string[] {
  return [
    `| ${head.join(" | ")} |`,
    `|${head.map(() => "---").join("|")}|`,
    ...rows.map((r) => `| ${r.map(cell).join(" | ")} |`),
    "",
  ];
}
