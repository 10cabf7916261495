import { mkdirSync } from "node:fs";
import path from "node:path";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import Database from "better-sqlite3";
import { PrismaClient } from "../generated/prisma/client.ts";
import { migrate } from "./migrate.ts";
import { reusePreparedStatements } from "./statement-cache.ts";
import { databaseFilePath } from "./url.ts";

export type Db = PrismaClient;
export type Tx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];

export interface OpenedDatabase {
  db: Db;
  /** Absolute path of the SQLite file (":memory:" never: tests use files). */
  file: string;
  close(): Promise<void>;
  /** What opening cost, in ms: applying migrations, creating the Prisma client, its first queries (the query compiler loads then). */
  timings: { migrateMs: number; clientMs: number; firstQueryMs: number };
}

/**
 * Opens (creating and migrating on first use) the SQLite database named by DATABASE_URL.
 *
 * Note: the adapter runs every query on ONE connection, and an interactive transaction
 * holds it; so every write goes through `db.$transaction` (serialised by the adapter's
 * mutex) rather than as a bare query that could land inside someone else's transaction.
 */
const files = new WeakMap<object, string>();

/**
 * The SQLite file behind a client opened here: bulk jobs (the plan import) write
 * through better-sqlite3 on their own connection, ~50x faster than row-by-row Prisma.
 */
export function databaseFileOf(db: Db | Tx): string {
  const file = files.get(db);
  if (!file) throw new Error("database client not opened through openDatabase()");
  return file;
}

/**
 * SQLite's page cache for the bot's connection, in KiB (negative: a size, not pages).
 * better-sqlite3 builds SQLite with 16 MB; that cache filled up on a 100,000-activity plan
 * and stayed resident (14 MB of the bot's memory), while the queries took the same time
 * with 2 MB, SQLite's own default (measured: 24 ms for the per-area aggregate either way;
 * the operating system caches the file anyway).
 */
const PAGE_CACHE_KIB = -2000;
/**
 * The heavy-work thread's connection reads whole plans (the Relazione, the scorecards): there
 * better-sqlite3's 16 MB made the 100,000-activity model ~20% faster, and the thread ends
 * after a quiet minute, closing its connection and its cache.
 */
export const BULK_READ_PAGE_CACHE_KIB = -16000;

export async function openDatabase(
  databaseUrl: string | undefined,
  opts: { pageCacheKiB?: number; migrate?: boolean } = {},
): Promise<OpenedDatabase> {
  const file = databaseFilePath(databaseUrl);
  mkdirSync(path.dirname(file), { recursive: true });
  const t0 = performance.now();
  if (opts.migrate !== false) migrate(file);
  const t1 = performance.now();
  const adapter = new PrismaBetterSQLite3({ url: `file:${file}`, timeout: 10_000 });
  const connect = adapter.connect.bind(adapter);
  adapter.connect = async () => {
    const connection = await connect();
    // The adapter's own better-sqlite3 connection (an internal field): where it is as expected, its statements are reused.
    const client = (connection as unknown as { client?: unknown }).client;
    if (client instanceof Database) reusePreparedStatements(client);
    return connection;
  };
  const db = new PrismaClient({ adapter });
  const t2 = performance.now();
  await db.$queryRawUnsafe("PRAGMA journal_mode = WAL");
  await db.$executeRawUnsafe("PRAGMA synchronous = NORMAL");
  await db.$executeRawUnsafe("PRAGMA foreign_keys = ON");
  await db.$executeRawUnsafe(`PRAGMA cache_size = ${Math.trunc(opts.pageCacheKiB ?? PAGE_CACHE_KIB)}`);
  const t3 = performance.now();
  files.set(db, file);
  const ms = (a: number, b: number) => Math.round((b - a) * 10) / 10;
  return {
    db,
    file,
    close: () => db.$disconnect(),
    timings: { migrateMs: ms(t0, t1), clientMs: ms(t1, t2), firstQueryMs: ms(t2, t3) },
  };
}

/** The health check: touching a table (not just "SELECT 1") also notices a database file replaced or damaged under us. */
export async function checkDatabase(db: Db): Promise<void> {
  await db.$queryRaw`SELECT 1 FROM "_prisma_migrations" LIMIT 1`;
}
