import type { Db } from "../db/client.ts";
import type { ImportResult } from "../plan-import/import-plan.ts";
import type { ScoreSummary } from "../domain/scoring/summary.ts";

/**
 * The work that must not run on the bot's thread, by kind: each takes plain data and
 * returns plain data (structured-clone-able; files as bytes), so it can run in the heavy
 * worker (jobs/heavy.ts) or, from the CLI, right here. Renderers and heavy libraries are
 * imported inside the job: they load on first use, in the worker only.
 *
 * To add a kind (a new export format, the validation pack, the scorecards): add its input
 * and output to HeavyJobs and its function to HEAVY_JOBS; callers use runHeavy(kind, input).
 */

/** A file made by a job: bytes plus what a surface needs to send or save it. */
export interface HeavyFile {
  bytes: Uint8Array;
  filename: string;
  mimeType: string;
  /** The plan year the file is about. */
  year: number;
}

export type RelazioneFormat = "md" | "csv" | "xlsx" | "docx";

export interface RelazioneExportInput {
  format: RelazioneFormat;
  year?: number;
  /** Evaluation date, ISO day. */
  asOf: string;
  /** When the document is generated (ISO instant): printed in it. */
  now: string;
  monitoring?: boolean;
  dueWithinDays?: number;
  /** The Comune's patron day (PATRONO, "MM-DD"): lateness is counted on its calendar. */
  patron?: string;
}

/** The scorecards of the Responsabili (objectives, organisational, behaviours). */
export interface ScorecardsExportInput {
  format: "docx" | "xlsx";
  year?: number;
  asOf: string;
  now: string;
  patron?: string;
}

/** The Nucleo's validation pack: with the sample in force, or a new one drawn with `seed`. */
export interface ValidationExportInput {
  format: "docx" | "xlsx";
  year?: number;
  asOf: string;
  now: string;
  /** Who asks: recorded as who drew the sample when a new one is drawn. */
  actor: string;
  seed: string;
  sampleSize?: number;
}

export interface PlanImportInput {
  /** The document as sent (PIAO text or plan CSV), decoded as UTF-8. */
  bytes: Uint8Array;
  sourceName: string;
  actor: string;
  now: string;
}

export interface HeavyJobs {
  relazione: { input: RelazioneExportInput; output: HeavyFile };
  schede: { input: ScorecardsExportInput; output: HeavyFile };
  validazione: { input: ValidationExportInput; output: HeavyFile & { seed: string; drawn: boolean } };
  "home-scores": { input: { asOf: string; year?: number; patron?: string }; output: ScoreSummary };
  "plan-import": { input: PlanImportInput; output: ImportResult };
}

export type HeavyKind = keyof HeavyJobs;
export type HeavyInput<K extends HeavyKind> = HeavyJobs[K]["input"];
export type HeavyOutput<K extends HeavyKind> = HeavyJobs[K]["output"];

export interface HeavyContext {
  db: Db;
}

const MIME: Record<RelazioneFormat, string> = {
  md: "text/markdown; charset=utf-8",
  csv: "text/csv; charset=utf-8",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
};

export const HEAVY_JOBS: { [K in HeavyKind]: (ctx: HeavyContext, input: HeavyInput<K>) => Promise<HeavyOutput<K>> } = {
  async relazione({ db }, input) {
    const now = new Date(input.now);
    const request = {
      year: input.year,
      asOf: input.asOf,
      now,
      monitoring: input.monitoring ?? false,
      dueWithinDays: input.dueWithinDays ?? 30,
      patron: input.patron,
    };
    let bytes: Uint8Array;
    if (input.format === "docx") {
      // The Word document also draws the scorecards and the month-end trend: the heaviest export.
      const { relazioneDocxInputs } = await import("../app/relazione-docx.ts");
      const { model, options } = await relazioneDocxInputs(db, request);
      bytes = await (await import("../report/relazione-docx.ts")).renderRelazioneDocx(model, options);
      const what = model.kind === "monitoraggio" ? "monitoraggio" : "relazione-performance";
      return { bytes, filename: `${what}-${model.year}-al-${input.asOf}.docx`, mimeType: MIME.docx, year: model.year };
    }
    const { buildRelazione } = await import("../report/relazione.ts");
    const r = await buildRelazione(db, request);
    if (input.format === "md")
      bytes = Buffer.from((await import("../report/relazione-md.ts")).renderRelazioneMarkdown(r), "utf8");
    else if (input.format === "csv")
      bytes = Buffer.from((await import("../report/relazione-csv.ts")).renderRelazioneCsv(r), "utf8");
    else bytes = await (await import("../report/relazione-xlsx.ts")).renderRelazioneXlsx(r);
    const what = r.kind === "monitoraggio" ? "monitoraggio" : "relazione-performance";
    return {
      bytes,
      filename: `${what}-${r.year}-al-${input.asOf}.${input.format}`,
      mimeType: MIME[input.format],
      year: r.year,
    };
  },

  async schede({ db }, input) {
    const [{ buildScorecards }, { scorecardsInput }] = await Promise.all([
      import("../app/scorecards.ts"),
      import("../app/relazione-docx.ts"),
    ]);
    const set = await buildScorecards(db, { year: input.year, asOf: input.asOf, patron: input.patron });
    const bytes =
      input.format === "xlsx"
        ? await (await import("../report/scorecards-xlsx.ts")).renderScorecardsXlsx(scorecardsInput(set))
        : await (await import("../report/relazione-docx.ts")).renderScorecardsDocx(scorecardsInput(set), {
            generatedAt: new Date(input.now),
          });
    return {
      bytes,
      filename: `schede-valutazione-${set.year}-al-${input.asOf}.${input.format}`,
      mimeType: MIME[input.format],
      year: set.year,
    };
  },

  async validazione({ db }, input) {
    const { currentSample, validationPack, DEFAULT_SAMPLE_SIZE } = await import("../app/validation.ts");
    const request = { year: input.year, asOf: input.asOf, now: new Date(input.now) };
    // The sample the Nucleo is checking (App Home) stays the one in the file; a first export draws it.
    const current = await currentSample(db, request);
    const pack =
      current ??
      (await validationPack(db, {
        ...request,
        sampleSize: input.sampleSize ?? DEFAULT_SAMPLE_SIZE,
        seed: input.seed,
        actor: input.actor,
      }));
    const bytes =
      input.format === "xlsx"
        ? await (await import("../report/validation-xlsx.ts")).renderValidationXlsx(pack)
        : await (await import("../report/validation-docx.ts")).renderValidationDocx(pack);
    return {
      bytes,
      filename: `validazione-${pack.year}-al-${input.asOf}.${input.format}`,
      mimeType: MIME[input.format],
      year: pack.year,
      seed: pack.seed,
      drawn: current === null,
    };
  },

  async "home-scores"({ db }, input) {
    const { homeScores } = await import("../app/home.ts");
    return homeScores(db, input);
  },

  async "plan-import"({ db }, input) {
    const { importPlanText } = await import("../plan-import/import-plan.ts");
    const text = Buffer.from(input.bytes).toString("utf8");
    return importPlanText(db, text, input.sourceName, { actor: input.actor, now: new Date(input.now) });
  },
};
