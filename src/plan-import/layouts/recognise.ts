/**
 * Picks the layout of a plan document from its headers and labels (never from a Comune's name)
 * and reads it into the plan model. A document that matches none gets an Italian report of the
 * tables found and the headers expected; a half plan is never returned. Pure.
 */
import {
	type DocumentBlock,
	allTables,
	cellText,
	flattenBlocks,
} from "../document/model.ts";
import { PlanFormatError, documentMessages } from "../errors.ts";
import { type ParsedPlan, parsePiaoText } from "../parse-piao.ts";
import { readSchedaLayout } from "./scheda.ts";
import { blocksToTabText } from "./table-text.ts";

const EXPECTED_LAYOUTS = [
	"Strutture attese:",
	"• tabelle per obiettivo con le righe «CENTRO RESPONSABILITA' …» (o «Area/Settore …» e «RESPONSABILE …»), «OBIETTIVO 1.1 …», «DESCRIZIONE», «PESO» e la tabella delle attività con intestazione «ATTIVITA' E FASI | INDICATORE | INDICE | VALORE ATTESO»;",
	"• una scheda per obiettivo con le voci «Obiettivo n.», «Titolo», «Descrizione», «Peso», «Responsabile» seguita dalla tabella delle fasi con le colonne «Fase/Attività/Azione», «Scadenza/Termine/Tempi» (oppure i mesi G F M A M G L A S O N D), e se presenti «Indicatore», «Target/Valore atteso», «Peso della fase».",
].join("\n");

function describeTables(blocks: DocumentBlock[]): string {
	const tables = allTables(blocks);
	if (tables.length === 0)
		return "Nel documento non ho trovato nessuna tabella.";
	const shown = tables.slice(0, 8).map((t, i) => {
		const header = t.rows.find((r) =>
			r.cells.some((c) => cellText(c).length > 0),
		);
		const cells = header
			? header.cells
					.map((c) => cellText(c))
					.filter((s) => s.length > 0)
					.map((s) => (s.length > 40 ? `${s.slice(0, 39)}…` : s))
			: [];
		const where = t.where ? ` (${t.where})` : "";
		return `• tabella ${i + 1}${where}, ${t.rows.length} ${t.rows.length === 1 ? "riga" : "righe"}: ${cells.length ? `«${cells.join(" | ")}»` : "vuota"}`;
	});
	const more =
		tables.length > shown.length
			? `\n… e altre ${tables.length - shown.length} tabelle.`
			: "";
	return `Ho trovato ${tables.length} ${tables.length === 1 ? "tabella" : "tabelle"}; le intestazioni:\n${shown.join("\n")}${more}`;
}

function hasText(blocks: DocumentBlock[]): boolean {
	return blocks.some((b) =>
		b.kind === "paragraph"
			? b.text.trim().length > 0
			: b.rows.some((r) => r.cells.some((c) => cellText(c).length > 0)),
	);
}

/**
 * Rows of different cells read as one (a table without borders in a PDF, cells merged across
 * rows) show as an area whose name swallowed the next rows. Such a plan would be half right:
 * refused, with what to do instead.
 */
function checkedTables(plan: ParsedPlan, sourceName: string): ParsedPlan {
	const swallowed = plan.areas.find(
		(a) =>
			a.name.length > 150 ||
			/\bOBIETTIVO\s+\d+\.\d+/i.test(a.name) ||
			(a.head?.length ?? 0) > 120,
	);
	if (swallowed) {
		throw new PlanFormatError(
			"unknown_layout",
			documentMessages.unclearTables(
				sourceName,
				`${swallowed.code} «${swallowed.name.slice(0, 80)}…»`,
			),
		);
	}
	return plan;
}

export function recognisePlan(
	blocks: DocumentBlock[],
	sourceName: string,
): ParsedPlan {
	if (!hasText(blocks))
		throw new PlanFormatError(
			"empty",
			documentMessages.emptyDocument(sourceName),
		);
	const flat = flattenBlocks(blocks);

	// Leggiuno's layout first: its «CENTRO RESPONSABILITA'» rows are unmistakable. Its Comune-wide
	// tables (Obiettivo / Descrizione / Attività …) also look like schede, so the order matters.
	let tabular: ParsedPlan | null = null;
	let tabularError: PlanFormatError | null = null;
	try {
		tabular = parsePiaoText(blocksToTabText(flat), sourceName);
	} catch (err) {
		if (
			!(err instanceof PlanFormatError) ||
			!["not_a_plan", "no_activities", "empty", "no_year"].includes(err.code)
		)
			throw err;
		tabularError = err;
	}
	if (tabular && tabular.areas.length > 0)
		return checkedTables(tabular, sourceName);

	const scheda = readSchedaLayout(flat, sourceName);
	if (scheda) return scheda;
	if (tabular) return tabular;
	if (tabularError?.code === "no_year") throw tabularError;
	throw new PlanFormatError(
		"unknown_layout",
		documentMessages.unknownLayout(
			sourceName,
			describeTables(blocks),
			EXPECTED_LAYOUTS,
		),
	);
}
