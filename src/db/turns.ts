/**
 * Lets the event loop serve what is waiting (a slash command's request, a timer) before the next
 * read. better-sqlite3 runs a query synchronously and Prisma's awaits around it are microtasks, so
 * a use case that makes several long reads in a row holds the loop for all of them at once: a
 * command arriving meanwhile waits for the sum. With a turn between reads it waits for one read
 * at most. For background work that reads a lot (the App Home refreshed after a change).
 */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
