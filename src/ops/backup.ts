import { existsSync, linkSync, readdirSync, renameSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { openDatabase } from "../db/client.ts";
import { migrate } from "../db/migrate.ts";
import { appendAudit } from "../store/audit.ts";
import { UserError } from "../errors.ts";
import { projectPath } from "../paths.ts";

const MIGRATIONS_DIR = projectPath("prisma/migrations");

/** Tables without which a file is not an Obiettivi database (whatever else it has). */
const REQUIRED_TABLES = ["_prisma_migrations", "Plan", "Activity", "Progress", "Report", "AuditEntry", "User"] as const;

/** What a database file holds, for the backup receipt and the restore confirmation. */
export interface DatabaseSummary {
  file: string;
  bytes: number;
  planYears: number[];
  activities: number;
  reports: number;
  users: number;
  auditEntries: number;
  /** Most recent audited change (ISO instant), or null on an untouched database. */
  lastChange: string | null;
}

export interface BackupResult {
  summary: DatabaseSummary;
  elapsedMs: number;
}

/**
 * A consistent online copy of the live database, safe while the bot writes.
 *
 * The SQLite backup API runs on a connection of its own. All pages go in ONE step:
 * a step is one read transaction, so in WAL mode the bot keeps writing meanwhile and
 * the copy is the database as of one instant; copying in several steps would make the
 * backup restart every time the bot commits, possibly forever on a busy database.
 *
 * The copy is written beside the target and renamed into place only once it passes
 * `integrity_check`, so an interrupted backup never leaves a half file under the
 * name the operator asked for. It is switched to rollback-journal mode: one
 * self-contained file, safe to move or mail.
 *
 * This relies on ONE SQLite library in the process (better-sqlite3 deduped under
 * Prisma's adapter): two copies would not see each other's POSIX locks.
 */
export async function backupDatabase(
  liveFile: string,
  target: string,
  opts: { overwrite?: boolean } = {},
): Promise<BackupResult> {
  const dest = path.resolve(target);
  if (!existsSync(liveFile)) throw new UserError({ code: "db_missing", file: liveFile });
  if (samePath(dest, liveFile)) throw new UserError({ code: "backup_same_file", file: liveFile });
  if (!existsSync(path.dirname(dest))) throw new UserError({ code: "backup_dir_missing", dir: path.dirname(dest) });
  if (existsSync(dest) && !opts.overwrite) {
    throw new UserError({ code: "backup_exists", file: dest });
  }
  const tmp = `${dest}.parziale-${process.pid}`;
  removeDatabaseFiles(tmp);
  const t0 = performance.now();
  const source = new Database(liveFile, { fileMustExist: true, timeout: 10_000 });
  try {
    await source.backup(tmp, { progress: () => 0x7fffffff });
  } catch (e) {
    removeDatabaseFiles(tmp);
    throw new UserError({ code: "backup_failed", reason: (e as Error).message });
  } finally {
    source.close();
  }
  try {
    const copy = new Database(tmp, { fileMustExist: true });
    try {
      copy.pragma("journal_mode = DELETE");
      const check = integrityCheck(copy);
      if (check !== "ok") throw new UserError({ code: "backup_corrupt", check });
    } finally {
      copy.close();
    }
    if (opts.overwrite) {
      removeDatabaseFiles(dest, { keepMain: true });
      renameSync(tmp, dest);
    } else {
      // link() refuses an existing name: a file that appeared meanwhile is never clobbered.
      try {
        linkSync(tmp, dest);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "EEXIST") {
          throw new UserError({ code: "backup_exists", file: dest });
        }
        throw e;
      }
    }
  } finally {
    removeDatabaseFiles(tmp);
  }
  const elapsedMs = performance.now() - t0;
  return { summary: inspectDatabase(dest), elapsedMs };
}

/**
 * Reads what a file holds after checking it is an Obiettivi database of a version this
 * program understands; any doubt is a UserError saying what is wrong, in Italian.
 */
export function inspectDatabase(file: string): DatabaseSummary {
  const abs = path.resolve(file);
  if (!existsSync(abs)) throw new UserError({ code: "file_unreadable", file: abs, reason: null });
  if (!statSync(abs).isFile()) throw new UserError({ code: "not_a_file", file: abs });
  let db: Database.Database;
  try {
    db = new Database(abs, { readonly: true, fileMustExist: true });
  } catch (e) {
    throw notObiettivi(abs, (e as Error).message);
  }
  try {
    let check: string;
    try {
      check = integrityCheck(db);
    } catch (e) {
      throw notObiettivi(abs, (e as Error).message);
    }
    if (check !== "ok") throw new UserError({ code: "db_corrupt", file: abs, check });
    const tables = new Set(
      (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map(
        (r) => r.name,
      ),
    );
    const missing = REQUIRED_TABLES.filter((t) => !tables.has(t));
    if (missing.length) throw notObiettivi(abs, `mancano le tabelle ${missing.join(", ")}`);
    const applied = (
      db
        .prepare(
          "SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL",
        )
        .all() as {
        migration_name: string;
      }[]
    ).map((r) => r.migration_name);
    const known = new Set(knownMigrations());
    const unknown = applied.filter((m) => !known.has(m));
    if (unknown.length) {
      throw new UserError({ code: "db_newer", file: abs, migrations: unknown });
    }
    const count = (sql: string) => Number((db.prepare(sql).get() as { n: number | bigint }).n);
    const last = db.prepare("SELECT at FROM AuditEntry ORDER BY id DESC LIMIT 1").get() as
      | { at: string | number }
      | undefined;
    return {
      file: abs,
      bytes: statSync(abs).size,
      planYears: (db.prepare("SELECT year FROM Plan ORDER BY year").all() as { year: number }[]).map((r) =>
        Number(r.year),
      ),
      activities: count("SELECT COUNT(*) AS n FROM Activity WHERE archivedAt IS NULL"),
      reports: count("SELECT COUNT(*) AS n FROM Report WHERE undoneAt IS NULL"),
      users: count("SELECT COUNT(*) AS n FROM User"),
      auditEntries: count("SELECT COUNT(*) AS n FROM AuditEntry"),
      lastChange: last ? new Date(typeof last.at === "number" ? last.at : Date.parse(last.at)).toISOString() : null,
    };
  } finally {
    db.close();
  }
}

export interface RestoreOptions {
  actor: string;
  now: Date;
  /** Asked once the backup's content is known; false = nothing is touched. */
  confirm(summary: DatabaseSummary, current: DatabaseSummary | null): Promise<boolean>;
}

export type RestoreResult =
  | { restored: false; summary: DatabaseSummary }
  | { restored: true; summary: DatabaseSummary; safetyCopy: string | null; migrationsApplied: string[] };

/**
 * Replaces the live database's content with a backup, after confirmation. The current
 * content is first copied beside the live file, so a wrong restore can be undone with
 * another restore. The copy goes in through the backup API, which takes the proper
 * locks: a bot still running sees the old database or the new one, never a mix.
 */
export async function restoreDatabase(
  backupFile: string,
  liveFile: string,
  opts: RestoreOptions,
): Promise<RestoreResult> {
  const source = path.resolve(backupFile);
  if (samePath(source, liveFile)) throw new UserError({ code: "restore_same_file", file: source });
  const summary = inspectDatabase(source);
  const current = existsSync(liveFile) ? safeInspect(liveFile) : null;
  if (!(await opts.confirm(summary, current))) return { restored: false, summary };

  let safetyCopy: string | null = null;
  if (existsSync(liveFile)) {
    safetyCopy = safetyCopyName(liveFile, opts.now);
    await backupDatabase(liveFile, safetyCopy);
  }
  const from = new Database(source, { readonly: true, fileMustExist: true });
  try {
    await from.backup(liveFile, { progress: () => 0x7fffffff });
  } catch (e) {
    throw new UserError({ code: "restore_failed", reason: (e as Error).message, safetyCopy: safetyCopy ?? null });
  } finally {
    from.close();
  }
  const migrationsApplied = migrate(liveFile);
  const opened = await openDatabase(`file:${liveFile}`);
  try {
    await opened.db.$transaction(async (tx) => {
      await appendAudit(tx, {
        at: opts.now,
        actor: opts.actor,
        action: "restore",
        entityType: "database",
        entityKey: path.basename(liveFile),
        before: current ? { ...summaryForAudit(current), safetyCopy } : null,
        after: { ...summaryForAudit(summary), migrationsApplied },
      });
    });
  } finally {
    await opened.close();
  }
  return { restored: true, summary, safetyCopy, migrationsApplied };
}

export function formatSummary(s: DatabaseSummary): string {
  const years = s.planYears.length ? s.planYears.join(", ") : "nessuno";
  return [
    `  file: ${s.file} (${formatBytes(s.bytes)})`,
    `  piani: ${years}; attività: ${s.activities.toLocaleString("it-IT")}`,
    `  segnalazioni: ${s.reports.toLocaleString("it-IT")}; utenti: ${s.users}; voci di registro: ${s.auditEntries.toLocaleString("it-IT")}`,
    `  ultima modifica: ${s.lastChange ? formatInstant(s.lastChange) : "nessuna"}`,
  ].join("\n");
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toLocaleString("it-IT", { maximumFractionDigits: 1 })} kB`;
  return `${(bytes / 1024 / 1024).toLocaleString("it-IT", { maximumFractionDigits: 1 })} MB`;
}

function formatInstant(iso: string): string {
  return new Intl.DateTimeFormat("it-IT", { dateStyle: "long", timeStyle: "short", timeZone: "Europe/Rome" }).format(
    new Date(iso),
  );
}

function summaryForAudit(s: DatabaseSummary) {
  return {
    file: s.file,
    planYears: s.planYears,
    activities: s.activities,
    reports: s.reports,
    lastChange: s.lastChange,
  };
}

function safeInspect(file: string): DatabaseSummary | null {
  try {
    return inspectDatabase(file);
  } catch {
    return null;
  }
}

/** "<name>.prima-del-ripristino-20241007-083000.db" beside the live file (Rome time, readable in `ls`). */
function safetyCopyName(liveFile: string, now: Date): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-GB", {
      timeZone: "Europe/Rome",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      hourCycle: "h23",
    })
      .formatToParts(now)
      .map((p) => [p.type, p.value]),
  );
  const stamp = `${parts.year}${parts.month}${parts.day}-${parts.hour}${parts.minute}${parts.second}`;
  const ext = path.extname(liveFile);
  const base = ext ? liveFile.slice(0, -ext.length) : liveFile;
  let candidate = `${base}.prima-del-ripristino-${stamp}${ext || ".db"}`;
  for (let i = 2; existsSync(candidate); i++) candidate = `${base}.prima-del-ripristino-${stamp}-${i}${ext || ".db"}`;
  return candidate;
}

function integrityCheck(db: Database.Database): string {
  const rows = db.pragma("integrity_check") as { integrity_check: string }[];
  return rows.map((r) => r.integrity_check).join("; ");
}

function knownMigrations(): string[] {
  return existsSync(MIGRATIONS_DIR)
    ? readdirSync(MIGRATIONS_DIR, { withFileTypes: true })
        .filter((d) => d.isDirectory())
        .map((d) => d.name)
    : [];
}

function notObiettivi(file: string, reason: string): UserError {
  return new UserError({ code: "not_obiettivi_db", file, reason });
}

function samePath(a: string, b: string): boolean {
  return path.resolve(a) === path.resolve(b);
}

function removeDatabaseFiles(file: string, opts: { keepMain?: boolean } = {}): void {
  for (const suffix of opts.keepMain ? ["-wal", "-shm", "-journal"] : ["", "-wal", "-shm", "-journal"]) {
    rmSync(`${file}${suffix}`, { force: true });
  }
}
