/**
 * Service errors on pages: the page a person should see instead of a 500. A missing or
 * foreign record is "page not found"; bad input is a 400 that says what is wrong, and a
 * refusal (a team's member doing what only its owner may) a 403.
 * Anything else stays an error (the `_error` page hides its text).
 */
import { HttpError } from "../fresh/mod.ts";
import { DomainError } from "../services/errors.ts";

export function pageError(error: unknown): unknown {
  if (!(error instanceof DomainError)) return error;
  if (error.code === "NOT_FOUND") return new HttpError(404, error.message);
  if (error.code === "BAD_REQUEST") return new HttpError(400, error.message);
  if (error.code === "FORBIDDEN") return new HttpError(403, error.message);
  return error;
}

/** The `_error` page's heading, and its tab title: the layout renders before the page. */
export function errorHeading(error: unknown): string {
  const status = error instanceof HttpError ? error.status : 500;
  return status === 404 ? "Page not found" : "Something went wrong";
}
