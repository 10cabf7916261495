import type { PlanPreview } from "../app/plan-preview.ts";
import type { SectionDiff } from "../domain/plan/plan-diff.ts";

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** The preview as plain Italian text (CLI, console); `limit` caps each list so a big plan stays readable. */
export function previewText(p: PlanPreview, limit = Number.POSITIVE_INFINITY): string {
  const s = p.summary;
  const lines: string[] = [];
  lines.push(`Anteprima del piano ${s.year} — ${s.entity} (da «${s.sourceName}»): non è stato scritto nulla.`);
  lines.push(
    `  ${plural(s.totals.areas, "area", "aree")}, ${plural(s.totals.objectives, "obiettivo", "obiettivi")} (${s.ente.objectives} di ente), ${plural(s.totals.activities, "attività", "attività")}` +
      (s.totals.withWeight ? `; ${s.totals.withWeight} obiettivi con peso` : "") +
      (s.totals.activitiesWithWeight ? `; ${s.totals.activitiesWithWeight} attività con peso` : ""),
  );
  lines.push("", "Per area:");
  for (const a of s.areas) {
    lines.push(
      `  ${a.code}. ${a.name}${a.head ? ` — ${a.head}` : " — responsabile non indicato"}: ${plural(a.objectives, "obiettivo", "obiettivi")}, ${plural(a.activities, "attività", "attività")}`,
    );
  }
  if (s.ente.objectives)
    lines.push(
      `  Obiettivi di ente: ${plural(s.ente.objectives, "obiettivo", "obiettivi")}, ${plural(s.ente.activities, "attività", "attività")}`,
    );
  const list = <T>(title: string, items: readonly T[], line: (x: T) => string) => {
    if (!items.length) return;
    lines.push("", `${title} (${items.length}):`);
    for (const x of items.slice(0, limit)) lines.push(`  - ${line(x)}`);
    if (items.length > limit) lines.push(`  … e altre ${items.length - limit}`);
  };
  list("Anomalie", s.anomalies, (a) => `[${a.code}] ${a.message}`);
  list("Valori attesi senza una data", s.withoutDate, (w) => `${w.code}: «${w.target}»`);

  lines.push("");
  if (!p.diff) {
    lines.push(`Nessun piano ${s.year} è caricato: l'importazione lo creerebbe.`);
  } else if (p.diff.unchanged) {
    lines.push(`Il piano ${s.year} caricato (da «${p.loadedFrom}») è identico: l'importazione non cambierebbe nulla.`);
  } else {
    lines.push(`Differenze con il piano ${s.year} caricato (da «${p.loadedFrom}»):`);
    if (p.diff.entity) lines.push(`  Ente: «${p.diff.entity.before}» → «${p.diff.entity.after}»`);
    section(lines, "Aree", p.diff.areas, limit);
    section(lines, "Obiettivi", p.diff.objectives, limit);
    section(lines, "Attività", p.diff.activities, limit);
  }
  return lines.join("\n");
}

function section(lines: string[], title: string, d: SectionDiff, limit: number): void {
  if (!d.added.length && !d.changed.length && !d.removed.length) return;
  lines.push(`  ${title}: ${d.added.length} nuove, ${d.changed.length} modificate, ${d.removed.length} tolte`);
  const codes = (xs: string[]) =>
    xs.length > limit ? `${xs.slice(0, limit).join(", ")} … (+${xs.length - limit})` : xs.join(", ");
  if (d.added.length) lines.push(`    nuove: ${codes(d.added)}`);
  if (d.removed.length) lines.push(`    tolte (verrebbero archiviate; l'avanzamento resta): ${codes(d.removed)}`);
  for (const c of d.changed.slice(0, limit)) {
    lines.push(
      `    ${c.code}: ${c.changes.map((f) => `${f.label} «${cut(f.before)}» → «${cut(f.after)}»`).join("; ")}`,
    );
  }
  if (d.changed.length > limit) lines.push(`    … e altre ${d.changed.length - limit} modificate`);
}

function cut(s: string): string {
  return s.length > 60 ? `${s.slice(0, 57)}…` : s;
}
