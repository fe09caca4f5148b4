/**
 * A monitor's JSON assertion: a path into the answer's JSON body and, optionally, the
 * value expected there. The path is a small JSONPath subset, `$`, `.name`, `["name"]`
 * and `[index]`, with no filters or scripts, so what a user types can never run code in
 * the worker. The form and the API check it with {@link parseJsonPath}; the worker
 * judges a body with {@link judgeJson}.
 *
 * A string value matches its text (`ok`, or `"ok"` quoted); anything else matches the
 * same value written as JSON (`true`, `200` or `200.0`, `null`, `{"b": 2, "a": 1}` in
 * any order). Without an expected value the path must lead somewhere, to anything but
 * `null` or `false`.
 */
import { isDeepStrictEqual } from "node:util";

export type PathSegment = string | number;

export const MAX_JSON_PATH = 200;
export const MAX_JSON_EXPECTED = 200;

/** The path's steps, or why it is not one (a sentence for the form). */
export function parseJsonPath(path: string): PathSegment[] | { error: string } {
  const text = path.trim();
  if (!text.startsWith("$")) return { error: "start with $, as in $.status" };
  if (text.length > MAX_JSON_PATH) return { error: `at most ${MAX_JSON_PATH} characters` };
  // deno-lint-ignore no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(text)) return { error: "one line, without control characters" };
  const steps: PathSegment[] = [];
  const pattern = /\.([A-Za-z_$][\w$-]*)|\[(\d{1,9})\]|\["((?:[^"\\]|\\.)*)"\]/y;
  pattern.lastIndex = 1;
  while (pattern.lastIndex < text.length) {
    const at = pattern.lastIndex;
    const match = pattern.exec(text);
    if (!match) {
      return { error: `"${text.slice(at, at + 20)}" is not a step: use .name, ["name"] or [0]` };
    }
    if (match[1] !== undefined) steps.push(match[1]);
    else if (match[2] !== undefined) steps.push(Number(match[2]));
    else {
      try {
        steps.push(JSON.parse(`"${match[3]}"`));
      } catch {
        return { error: `"${match[3].slice(0, 20)}" has an escape JSON does not know` };
      }
    }
  }
  return steps;
}

/** Why this body fails the assertion, in one line; null when it holds. */
export function judgeJson(body: string, path: string, expected: string | null): string | null {
  const steps = parseJsonPath(path);
  if (!Array.isArray(steps)) return `the JSON path ${path} is not one`;
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return "the response body is not JSON";
  }
  for (const step of steps) {
    const inside = typeof step === "number"
      ? Array.isArray(value) && step < value.length
      : value !== null && typeof value === "object" && !Array.isArray(value) &&
        Object.hasOwn(value, step);
    if (!inside) return `${path} is not in the response`;
    value = (value as Record<PathSegment, unknown>)[step];
  }
  const shown = typeof value === "string" ? value : JSON.stringify(value);
  if (expected === null || expected === "") {
    return value === null || value === false ? `${path} is ${shown}` : null;
  }
  if (value === expected || isDeepStrictEqual(value, parsed(expected))) return null;
  const quote = (text: string) => JSON.stringify(clip(text));
  return typeof value === "string"
    ? `${path} is ${quote(shown)}, expected ${quote(expected)}`
    : `${path} is ${clip(shown)}, expected ${clip(expected)}`;
}

/** The expected text as JSON; undefined when it is not JSON (a bare word such as ok). */
function parsed(expected: string): unknown {
  try {
    return JSON.parse(expected);
  } catch {
    return undefined;
  }
}

const clip = (text: string) => text.length <= 80 ? text : `${text.slice(0, 79)}…`;
