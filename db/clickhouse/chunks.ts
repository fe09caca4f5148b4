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
 * item. A list that fits is one query, rendered once; a longer one is cut into as many
 * equal chunks as its size asks for, and a chunk that still does not fit is cut again.
 */
export function chunkQueries<I>(
  items: readonly I[],
  query: (chunk: readonly I[]) => Sql,
  budget: number,
): Sql[] {
  const queries: Sql[] = [];
  const plan = (chunk: readonly I[]) => {
    const whole = query(chunk);
    // A UTF-16 code unit is 1 to 3 bytes of UTF-8 (a surrogate pair 4 for 2): encode only
    // when the length alone cannot tell whether the text fits.
    const { length } = whole.text;
    const bytes = length > budget || length * 3 <= budget
      ? length
      : encoder.encode(whole.text).byteLength;
    if (bytes <= budget || chunk.length === 1) return void queries.push(whole);
    const parts = Math.min(chunk.length, Math.ceil(bytes / budget));
    const size = Math.ceil(chunk.length / parts);
    for (let i = 0; i < chunk.length; i += size) plan(chunk.slice(i, i + size));
  };
  plan(items);
  return queries;
}
