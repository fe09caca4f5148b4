/**
 * A query that names many items (`website_id IN (…)` over every monitor of an account)
 * can outgrow the server's `max_query_size` (256 KiB by default; 20,000 UUIDs are about
 * 800 KB) and fail to parse. `rowsInChunks` runs it once per chunk of items instead, each
 * chunk's text at most half that size, and concatenates the rows.
 *
 * ```ts
 * const rows = await rowsInChunks<Row, string>(ch, ids, (chunk) =>
 *   sql`SELECT website_id, count() AS n FROM checks
 *       WHERE website_id IN ${literal.uuidList(chunk)} GROUP BY website_id`);
 * ```
 */
import type { ClickHouse } from "./client.ts";
import type { Sql } from "./sql.ts";

const encoder = new TextEncoder();

/**
 * Rows of `query` over all of `items`. The query must give each row to one item (group or
 * `LIMIT … BY` by the listed column), so that rows of different chunks never overlap; the
 * rows come back in chunk order, not in the query's `ORDER BY` across chunks. No items,
 * no query.
 */
export async function rowsInChunks<T, I>(
  ch: ClickHouse,
  items: readonly I[],
  query: (chunk: readonly I[]) => Sql,
): Promise<T[]> {
  if (!items.length) return [];
  const budget = Math.floor((await ch.maxQuerySize()) / 2);
  const queries = chunkQueries(items, query, budget);
  const results = await Promise.all(queries.map((chunk) => ch.rows<T>(chunk)));
  return results.length === 1 ? results[0] : results.flat();
}

/**
 * The queries over `items`, each at most `budget` bytes long unless it names a single
 * item. The query rendered for one item and for two tells its fixed size and the size of
 * an item, hence how many items a chunk holds; the items are then split into that many
 * equal chunks, each rendered once, and a chunk that still does not fit (items of
 * uneven size) is halved.
 */
export function chunkQueries<I>(
  items: readonly I[],
  query: (chunk: readonly I[]) => Sql,
  budget: number,
): Sql[] {
  let perChunk = items.length;
  if (items.length > 1) {
    const one = byteLength(query(items.slice(0, 1)));
    const perItem = Math.max(1, byteLength(query(items.slice(0, 2))) - one);
    perChunk = Math.max(1, Math.floor((budget - (one - perItem)) / perItem));
  }
  const chunks = Math.ceil(items.length / perChunk);
  const size = Math.ceil(items.length / chunks);
  const queries: Sql[] = [];
  const plan = (chunk: readonly I[]) => {
    const rendered = query(chunk);
    if (chunk.length === 1 || fits(rendered.text, budget)) {
      return void queries.push(rendered);
    }
    const half = Math.ceil(chunk.length / 2);
    plan(chunk.slice(0, half));
    plan(chunk.slice(half));
  };
  for (let i = 0; i < items.length; i += size) plan(items.slice(i, i + size));
  return queries;
}

function byteLength(query: Sql): number {
  return encoder.encode(query.text).byteLength;
}

/**
 * Whether `text` is at most `budget` bytes of UTF-8. A UTF-16 code unit is 1 to 3 bytes
 * (a surrogate pair 4 for 2), so the length alone mostly tells; encode only when not.
 */
function fits(text: string, budget: number): boolean {
  if (text.length * 3 <= budget) return true;
  return text.length <= budget && encoder.encode(text).byteLength <= budget;
}
