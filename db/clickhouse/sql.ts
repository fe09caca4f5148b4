/**
 * ClickHouse SQL, safe by construction. ClickHouse 18.16 (CI) has no query parameters, so
 * values travel as literals inside the query text. A query is an {@link Sql} fragment
 * built with the `sql` tag, whose `${…}` accept only other fragments: the ones `literal.*`
 * and `identifier()` render from checked values, or pieces of query written with `sql`.
 * A raw string or number in `${…}` is a type error and is refused at run time; the client
 * (client.ts) takes nothing but fragments.
 *
 * ```ts
 * const query = sql`SELECT count() FROM checks WHERE website_id = ${literal.uuid(id)}`;
 * const rows = await ch.rows<{ "count()": string }>(query);
 * ```
 */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Only this module makes fragments; `new Sql()` elsewhere throws. */
const MINT: unique symbol = Symbol("Sql");

/** A piece of ClickHouse SQL whose every value went through `literal` or `identifier`. */
export class Sql {
  readonly #text: string;

  constructor(mint: typeof MINT, text: string) {
    if (mint !== MINT) throw new TypeError("build SQL with sql`…`, literal.* and identifier()");
    this.#text = text;
  }

  /** The query text, for the client. */
  get text(): string {
    return this.#text;
  }

  /** A fragment pasted into a plain template string would lose its guarantee: refuse. */
  toString(): never {
    throw new TypeError("an Sql fragment goes into sql`…`, not into a plain template string");
  }
}

/**
 * The query text written here, with each `${…}` an {@link Sql} fragment. Compose queries
 * by nesting fragments: sql`SELECT … WHERE ${where}`.
 */
export function sql(strings: TemplateStringsArray, ...values: Sql[]): Sql {
  if (!Array.isArray(strings?.raw)) throw new TypeError("sql is a template tag: sql`SELECT …`");
  let text = strings[0];
  for (let i = 0; i < values.length; i++) {
    text += textOf(values[i], `value ${i + 1} of sql\`…\``) + strings[i + 1];
  }
  return new Sql(MINT, text);
}

/** Fragments joined by a separator: sql.join(conditions, sql` OR `). */
sql.join = (parts: readonly Sql[], separator: Sql): Sql => {
  const glue = textOf(separator, "the separator of sql.join");
  return new Sql(
    MINT,
    parts.map((part, i) => textOf(part, `part ${i + 1} of sql.join`)).join(glue),
  );
};

/** The text of a fragment; anything else is a programming error named by `what`. */
export function textOf(fragment: Sql, what = "a ClickHouse query"): string {
  if (fragment instanceof Sql) return fragment.text;
  throw new TypeError(
    `${what} is a ${typeof fragment}, not SQL: render values with literal.string/int/uuid/` +
      "dateTime/uuidList or identifier(), and write query text with sql`…`",
  );
}

export const literal = {
  /** A single-quoted string with backslashes, quotes and control bytes escaped. */
  string(value: string): Sql {
    if (typeof value !== "string") throw new TypeError("not a string");
    const escaped = value.replace(/[\\'\0\n\r\t\b\f]/g, (ch) => ESCAPES[ch]);
    return new Sql(MINT, `'${escaped}'`);
  },
  /** A finite integer; anything else is a programming error, not input to quote. */
  int(value: number | bigint): Sql {
    if (typeof value === "bigint") return new Sql(MINT, value.toString());
    if (!Number.isSafeInteger(value)) throw new TypeError(`not a safe integer: ${value}`);
    return new Sql(MINT, String(value));
  },
  uuid(value: string): Sql {
    return new Sql(MINT, `toUUID(${quotedUuid(value)})`);
  },
  /** Seconds since the epoch, so the server's time zone never shifts the value. */
  dateTime(value: Date): Sql {
    const seconds = Math.floor(value.getTime() / 1000);
    if (!Number.isSafeInteger(seconds) || seconds < 0) throw new TypeError("not a valid date");
    return new Sql(MINT, `toDateTime(${seconds})`);
  },
  /**
   * UUIDs for `x IN …` against a UUID column, as plain string literals: ClickHouse
   * converts them to the column's type once, and 18.16 parses a list of 2,000 of them in
   * half the time of as many `toUUID()` calls. One fragment for the whole list: no object
   * per UUID. Keep long lists below max_query_size with `rowsInChunks` (chunks.ts).
   */
  uuidList(values: readonly string[]): Sql {
    if (!values.length) return EMPTY_LIST;
    return new Sql(MINT, `(${values.map(quotedUuid).join(", ")})`);
  },
  /** `(a, b, c)`, for `IN`; an empty list becomes `(NULL)`, which matches nothing. */
  list<T>(values: readonly T[], render: (value: T) => Sql): Sql {
    if (!values.length) return EMPTY_LIST;
    return sql`(${sql.join(values.map((value) => render(value)), sql`, `)})`;
  },
};

/** A table, column or database name; refuses anything that would need quoting. */
export function identifier(name: string): Sql {
  if (typeof name !== "string" || !IDENTIFIER.test(name)) {
    throw new TypeError(`not a plain identifier: ${name}`);
  }
  return new Sql(MINT, name);
}

const EMPTY_LIST = new Sql(MINT, "(NULL)");

function quotedUuid(value: string): string {
  if (typeof value !== "string" || !UUID.test(value)) throw new TypeError("not a UUID");
  return `'${value.toLowerCase()}'`;
}

const ESCAPES: Record<string, string> = {
  "\\": "\\\\",
  "'": "\\'",
  "\0": "\\0",
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
  "\b": "\\b",
  "\f": "\\f",
};
