/**
 * The one error type services throw for outcomes a caller should see. Each carries a
 * code that the API maps to its own (web/trpc/errors.ts); anything else is a bug and
 * reaches callers only as "Internal server error".
 */
export type DomainErrorCode =
  | "BAD_REQUEST"
  | "UNAUTHORIZED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "CONFLICT"
  | "TOO_MANY_REQUESTS"
  | "SERVICE_UNAVAILABLE"
  | "BAD_GATEWAY";

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly details: { retryAfterSeconds?: number; problems?: readonly string[] } = {},
  ) {
    super(message);
    this.name = "DomainError";
  }
}

/**
 * Everything wrong with an input at once, each "field: what is wrong". The message names
 * them all, as the API words a schema's issues ("a: …; b: …"); a form shows each at its
 * field (`problems`).
 */
export function invalidInput(problems: readonly string[]): DomainError {
  return new DomainError("BAD_REQUEST", problems.join("; "), { problems });
}

export const notFound = (what: string) => new DomainError("NOT_FOUND", `${what} not found`);

/** Whether a database error is a unique-constraint violation (drizzle wraps postgres.js). */
export function isUniqueViolation(error: unknown): boolean {
  for (let e = error; e; e = (e as { cause?: unknown }).cause) {
    if ((e as { code?: unknown }).code === "23505") return true;
  }
  return false;
}
