/**
 * A monitor's JSON assertion: a path into the answer's JSON body and, optionally, the
 * value expected there. The path is a small JSONPath subset, `$`, `.name`, `["name"]`
 * and `[index]`, with no filters or scripts, so what a user types can never run code in
 * the worker. The form and the API check it with {@link parseJsonPath}; the worker
 * judges a body with {@link judgeJson}.
 *
 * A value is compared as written: a string by its text (`ok` matches `"ok"`), anything
 * else by its JSON (`true`, `200`, `null`, `{"a":1}`). Without an expected value the
 * path must lead somewhere, to anything but `null` or `false`.
 */

export type PathSegment = string | number;

export const MAX_JSON_PATH = 200;
export const MAX_JSON_EXPECTED = 200;

/** The path's steps, or why it is not one (a sentence for the form). */
export function parseJsonPath(path: string): PathSegment[] | { error: string } {
  const text = path.trim();
  if (!text.startsWith("$")) return { error: "start with $, as in $.status" };
  if (text.length > MAX_JSON_PATH) return { error: `at most ${MAX_JSON_PATH} characters` };
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
    else steps.push(JSON.parse(`"${match[3]}"`));
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
  if (shown === expected) return null;
  const quote = (text: string) => JSON.stringify(clip(text));
  return typeof value === "string"
    ? `${path} is ${quote(shown)}, expected ${quote(expected)}`
    : `${path} is ${clip(shown)}, expected ${clip(expected)}`;
}

const clip = (text: string) => text.length <= 80 ? text : `${text.slice(0, 79)}…`;
