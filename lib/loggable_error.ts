/**
 * What of an error may be written to a log. drizzle wraps a failed query in an error
 * whose message (and stack) lists every parameter: password hashes, session token
 * hashes, monitors' Authorization headers. Postgres' own messages can quote input too
 * (`invalid input syntax for type uuid: "…"`). So a database error is logged as its
 * SQLSTATE code and the name of that condition, plus the table and constraint it
 * concerns; nothing else of it leaves the process.
 *
 * ```ts
 * loggableError(new DrizzleQueryError(query, params, pgTimeout));
 * // { name: "DatabaseError", code: "57014", message: "query_canceled" }
 * ```
 */

export interface LoggableError {
  name: string;
  message: string;
  code?: string;
  table?: string;
  constraint?: string;
  stack?: string;
}

const CONDITIONS: Record<string, string> = {
  "08000": "connection_exception",
  "08003": "connection_does_not_exist",
  "08006": "connection_failure",
  "22001": "string_data_right_truncation",
  "22021": "character_not_in_repertoire",
  "22P02": "invalid_text_representation",
  "22P05": "untranslatable_character",
  "23502": "not_null_violation",
  "23503": "foreign_key_violation",
  "23505": "unique_violation",
  "23514": "check_violation",
  "25P02": "in_failed_sql_transaction",
  "40001": "serialization_failure",
  "40P01": "deadlock_detected",
  "42501": "insufficient_privilege",
  "42703": "undefined_column",
  "42P01": "undefined_table",
  "53100": "disk_full",
  "53200": "out_of_memory",
  "53300": "too_many_connections",
  "55P03": "lock_not_available",
  "57014": "query_canceled",
  "57P01": "admin_shutdown",
  "57P03": "cannot_connect_now",
};

const CLASSES: Record<string, string> = {
  "08": "connection exception",
  "22": "data exception",
  "23": "integrity constraint violation",
  "25": "invalid transaction state",
  "40": "transaction rollback",
  "42": "syntax error or access rule violation",
  "53": "insufficient resources",
  "54": "program limit exceeded",
  "55": "object not in prerequisite state",
  "57": "operator intervention",
  "58": "system error",
  "XX": "internal error",
};

const SQLSTATE = /^[0-9A-Z]{5}$/;
const MAX_DEPTH = 5;

/** The fields of `error` that are safe to log (see the module comment). */
export function loggableError(error: unknown, withStack = false): LoggableError {
  if (!(error instanceof Error)) return { name: "NonError", message: typeof error };
  const chain = causes(error);
  const server = chain.find(isPostgresError);
  if (server) return describePostgres(server);
  if (chain.some(isQueryWrapper)) {
    // The query failed without an answer from Postgres (a dropped connection, a connect
    // timeout): the driver's own error names the condition without parameters.
    const driver = chain.find((e) => !isQueryWrapper(e));
    const code = driver ? stringCode(driver) : undefined;
    return {
      name: "DatabaseError",
      message: driver && code ? `${code}: ${driver.message}` : "query failed",
      ...(code ? { code } : {}),
    };
  }
  const code = stringCode(error);
  return {
    name: error.name,
    message: error.message,
    ...(code ? { code } : {}),
    ...(withStack && error.stack ? { stack: error.stack } : {}),
  };
}

function causes(error: Error): Error[] {
  const chain: Error[] = [];
  for (let e: unknown = error; e instanceof Error && chain.length < MAX_DEPTH; e = e.cause) {
    chain.push(e);
  }
  return chain;
}

/** drizzle's wrapper (DrizzleQueryError), recognised by shape: it is not exported by name. */
function isQueryWrapper(error: Error): boolean {
  return error.name === "DrizzleQueryError" || error.message.startsWith("Failed query:") ||
    "params" in error;
}

/** An error Postgres answered with (postgres.js' PostgresError). */
function isPostgresError(error: Error): boolean {
  const code = stringCode(error);
  return code !== undefined && SQLSTATE.test(code) &&
    (error.name === "PostgresError" || "severity" in error);
}

function describePostgres(error: Error): LoggableError {
  const code = stringCode(error)!;
  const fields = error as { table_name?: unknown; constraint_name?: unknown };
  return {
    name: "DatabaseError",
    code,
    message: CONDITIONS[code] ?? CLASSES[code.slice(0, 2)] ?? "database error",
    ...(typeof fields.table_name === "string" ? { table: fields.table_name } : {}),
    ...(typeof fields.constraint_name === "string" ? { constraint: fields.constraint_name } : {}),
  };
}

function stringCode(error: Error): string | undefined {
  const code = (error as { code?: unknown }).code;
  return typeof code === "string" ? code : undefined;
}
