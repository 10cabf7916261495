import type { Database, Statement } from "better-sqlite3";

/**
 * Prepared statements kept and reused on the bot's connection. Prisma's better-sqlite3
 * adapter prepares every query anew (`prepare(sql).bind(args)`): each statement is native
 * memory that V8 cannot see, freed only when a garbage collection finalises its wrapper, so
 * a burst of commands left thousands of them behind (about 15 MB of malloc'd memory after
 * 80 commands at 100,000 activities), and preparing cost ~0.6 ms of each command.
 *
 * The connection's `prepare` then hands out a small object with the part of the Statement
 * API the adapter uses (bind once, then run / columns / raw().all(), reader), over one real
 * statement per SQL text; the least recently used beyond STATEMENTS_KEPT are let go.
 * better-sqlite3 is synchronous, so a statement is never used by two queries at once.
 */
export const STATEMENTS_KEPT = 256;

let prepared = 0;
/** How many real statements have been prepared through kept connections (tests, diagnostics). */
export function statementsPrepared(): number {
  return prepared;
}

export function reusePreparedStatements(db: Database, kept = STATEMENTS_KEPT): void {
  const prepare = db.prepare.bind(db) as (sql: string) => Statement;
  const statements = new Map<string, Statement>();
  const reusing = (sql: string): ReusedStatement => {
    let statement = statements.get(sql);
    if (statement) statements.delete(sql);
    else {
      statement = prepare(sql);
      prepared += 1;
      if (statements.size >= kept) statements.delete(statements.keys().next().value as string);
    }
    statements.set(sql, statement);
    return new ReusedStatement(statement);
  };
  (db as unknown as { prepare: typeof reusing }).prepare = reusing;
}

/** One use of a kept statement: the arguments bound to this use only. */
export class ReusedStatement {
  private args: unknown[] = [];
  constructor(private readonly statement: Statement) {}

  get reader(): boolean {
    return this.statement.reader;
  }

  bind(args: unknown[] = []): this {
    this.args = args;
    return this;
  }

  run() {
    return this.statement.run(this.args);
  }

  columns() {
    return this.statement.columns();
  }

  raw(on = true): this {
    this.statement.raw(on);
    return this;
  }

  all(): unknown[] {
    return this.statement.all(this.args);
  }

  get(): unknown {
    return this.statement.get(this.args);
  }
}
