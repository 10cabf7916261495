/**
 * Picks the layout of a plan document from its headers and labels (never from a Comune's name)
 * and reads it into the plan model. A document that matches none gets an Italian report of the
 * tables found and the headers expected; a half plan is never returned. Pure.
 */
import { type DocumentBlock, allTables, cellText, flattenBlocks } from "../document/model.ts";
import type { FoundTable } from "../../messages/errors.ts";
import { PlanFormatError } from "../errors.ts";
import { type ParsedPlan, parsePiaoText } from "../parse-piao.ts";
import { readSchedaLayout } from "./scheda.ts";
import { blocksToTabText } from "./table-text.ts";

/** The first tables of the document with their header row, for the report of an unknown layout. */
function foundTables(blocks: DocumentBlock[]): { tables: FoundTable[]; total: number } {
  const tables = allTables(blocks);
  return {
    total: tables.length,
    tables: tables.slice(0, 8).map((t) => {
      const header = t.rows.find((r) => r.cells.some((c) => cellText(c).length > 0));
      return {
        where: t.where ?? "",
        rows: t.rows.length,
        header: header
          ? header.cells
              .map((c) => cellText(c))
              .filter((s) => s.length > 0)
              .map((s) => (s.length > 40 ? `${s.slice(0, 39)}…` : s))
          : [],
      };
    }),
  };
}

function hasText(blocks: DocumentBlock[]): boolean {
  return blocks.some((b) =>
    b.kind === "paragraph" ? b.text.trim().length > 0 : b.rows.some((r) => r.cells.some((c) => cellText(c).length > 0)),
  );
}

/**
 * Rows of different cells read as one (a table without borders in a PDF, cells merged across
 * rows) show as an area whose name swallowed the next rows. Such a plan would be half right:
 * refused, with what to do instead.
 */
function checkedTables(plan: ParsedPlan, sourceName: string): ParsedPlan {
  const swallowed = plan.areas.find(
    (a) => a.name.length > 150 || /\bOBIETTIVO\s+\d+\.\d+/i.test(a.name) || (a.head?.length ?? 0) > 120,
  );
  if (swallowed) {
    throw new PlanFormatError({
      code: "document_unclear_tables",
      source: sourceName,
      area: `${swallowed.code} «${swallowed.name.slice(0, 80)}…»`,
    });
  }
  return plan;
}

export function recognisePlan(blocks: DocumentBlock[], sourceName: string): ParsedPlan {
  if (!hasText(blocks)) throw new PlanFormatError({ code: "document_empty", source: sourceName });
  const flat = flattenBlocks(blocks);

  // Leggiuno's layout first: its «CENTRO RESPONSABILITA'» rows are unmistakable. Its Comune-wide
  // tables (Obiettivo / Descrizione / Attività …) also look like schede, so the order matters.
  let tabular: ParsedPlan | null = null;
  let tabularError: PlanFormatError | null = null;
  try {
    tabular = parsePiaoText(blocksToTabText(flat), sourceName);
  } catch (err) {
    if (!(err instanceof PlanFormatError) || !["not_a_plan", "no_activities", "empty", "no_year"].includes(err.code))
      throw err;
    tabularError = err;
  }
  if (tabular && tabular.areas.length > 0) return checkedTables(tabular, sourceName);

  const scheda = readSchedaLayout(flat, sourceName);
  if (scheda) return scheda;
  if (tabular) return tabular;
  if (tabularError?.code === "no_year") throw tabularError;
  throw new PlanFormatError({ code: "document_unknown_layout", source: sourceName, ...foundTables(blocks) });
}
