/**
 * The one place errors become API errors: a DomainError keeps its code and message, a
 * failed input validation names the field and what is wrong, anything else is
 * "Internal server error" (and is logged once, with the request id, by the handler).
 */
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { DomainError } from "../../services/errors.ts";

export function toTRPCError(error: unknown): TRPCError {
  if (error instanceof TRPCError && error.cause instanceof DomainError) {
    return toTRPCError(error.cause);
  }
  if (error instanceof DomainError) {
    return new TRPCError({ code: error.code, message: error.message, cause: error });
  }
  if (error instanceof TRPCError) return error;
  return new TRPCError({ code: "INTERNAL_SERVER_ERROR", cause: error });
}

/** The message a caller sees for an error of this code. */
export function publicMessage(error: TRPCError): string {
  if (error.cause instanceof z.ZodError) return describeZodError(error.cause);
  if (error.code === "INTERNAL_SERVER_ERROR") return "Internal server error";
  if (error.code === "PARSE_ERROR") return "The request body is not valid JSON";
  return error.message;
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
