/**
 * The one place errors become API errors: a DomainError keeps its code and message, a
 * failed input validation names the field and what is wrong, input that is not JSON says
 * so, anything else is "Internal server error" (and is logged once, with the request id,
 * by the handler).
 */
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { DomainError } from "../../services/errors.ts";

export function toTRPCError(error: unknown): TRPCError {
  const cause = error instanceof TRPCError ? error.cause : error;
  if (cause instanceof DomainError) {
    return new TRPCError({ code: cause.code, message: cause.message, cause });
  }
  if (isUnstorableText(cause)) {
    return new TRPCError({
      code: "BAD_REQUEST",
      message: "Text must not contain NUL characters",
      cause,
    });
  }
  if (error instanceof TRPCError) return error;
  return new TRPCError({ code: "INTERNAL_SERVER_ERROR", cause: error });
}

/**
 * Postgres refuses text it cannot store (a NUL character: 22021, 22P05). That is the
 * caller's input, not our fault, so it is a 400 rather than a 500.
 */
function isUnstorableText(error: unknown): boolean {
  // drizzle wraps the driver's error in one of its own.
  for (let e = error, depth = 0; e && depth < 3; e = (e as Error).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (code === "22021" || code === "22P05") return true;
  }
  return false;
}

/** The message a caller sees for an error of this code. */
export function publicMessage(error: TRPCError): string {
  if (error.cause instanceof z.ZodError) return describeZodError(error.cause);
  if (error.code === "INTERNAL_SERVER_ERROR") return "Internal server error";
  if (error.code === "PARSE_ERROR") return "The request body is not valid JSON";
  if (isMalformedInput(error)) return "input: not valid JSON";
  return error.message;
}

/**
 * tRPC passes on JSON.parse's own text for a bad `?input=` or POST body ("Expected
 * property name or '}' in JSON at position 1"), which tells a caller about our parser
 * rather than about their request.
 */
function isMalformedInput(error: TRPCError): boolean {
  return error.code === "BAD_REQUEST" && error.cause instanceof SyntaxError;
}

/** "url: Invalid URL; intervalSeconds: Too small: expected number to be >=30". */
export function describeZodError(error: z.ZodError): string {
  return error.issues.slice(0, 5).map((issue) => {
    const path = issue.path.join(".");
    // Messages that already name their field (e.g. "email: not a valid address") stay as they are.
    return path && !issue.message.startsWith(`${path}:`)
      ? `${path}: ${issue.message}`
      : issue.message;
  }).join("; ");
}
