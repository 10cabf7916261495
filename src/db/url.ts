import path from "node:path";

export const DEFAULT_DATABASE_URL = "file:./data/obiettivi.db";

/** Normalises DATABASE_URL ("file:./x.db", "file:/abs/x.db", a bare path, ":memory:") to "file:<path>". */
export function databaseFileUrl(url: string | undefined): string {
  const raw = url && url.trim() !== "" ? url.trim() : DEFAULT_DATABASE_URL;
  if (raw === ":memory:" || raw === "file::memory:") return "file::memory:";
  return raw.startsWith("file:") ? raw : `file:${raw}`;
}

/** The filesystem path of the SQLite file, resolved against the working directory. */
export function databaseFilePath(url: string | undefined): string {
  const u = databaseFileUrl(url);
  if (u === "file::memory:") return ":memory:";
  return path.resolve(u.slice("file:".length).split("?")[0]!);
}
