/**
 * Route patterns from file paths and matching of request paths against them.
 *
 * A pattern is a list of segments: static text, `[param]`, `[[optional]]` (zero or one
 * segment) and `[...rest]` (zero or more). When several routes match, the most specific
 * wins, compared segment by segment: static beats param beats optional beats rest.
 */

export type Segment =
  | { kind: "static"; value: string }
  | { kind: "param"; name: string }
  | { kind: "optional"; name: string }
  | { kind: "rest"; name: string };

const RANK: Record<Segment["kind"], number> = { static: 0, param: 1, optional: 2, rest: 3 };

/** Parses one file-path segment such as `about`, `[id]`, `[[page]]` or `[...path]`. */
export function parseSegment(raw: string, file: string): Segment {
  let m = /^\[\[([A-Za-z_$][\w$]*)\]\]$/.exec(raw);
  if (m) return { kind: "optional", name: m[1] };
  m = /^\[\.\.\.([A-Za-z_$][\w$]*)\]$/.exec(raw);
  if (m) return { kind: "rest", name: m[1] };
  m = /^\[([A-Za-z_$][\w$]*)\]$/.exec(raw);
  if (m) return { kind: "param", name: m[1] };
  if (raw.includes("[") || raw.includes("]")) {
    throw new Error(
      `${file}: "${raw}" mixes text and brackets; a segment is either plain text, ` +
        `[name], [[name]] or [...name]`,
    );
  }
  return { kind: "static", value: raw };
}

/** The pattern in the `/websites/:id` notation, as shown in `ctx.route`. */
export function patternToString(segments: Segment[]): string {
  return "/" + segments.map((s) => {
    switch (s.kind) {
      case "static":
        return s.value;
      case "param":
        return `:${s.name}`;
      case "optional":
        return `:${s.name}?`;
      case "rest":
        return `:${s.name}*`;
    }
  }).join("/");
}

/** Negative when `a` is more specific than `b`. */
export function compareSpecificity(a: Segment[], b: Segment[]): number {
  const length = Math.max(a.length, b.length);
  for (let i = 0; i < length; i++) {
    // Running out of segments is the most specific: "/blog" beats "/blog/[[page]]".
    const ra = i < a.length ? RANK[a[i].kind] : -1;
    const rb = i < b.length ? RANK[b[i].kind] : -1;
    if (ra !== rb) return ra - rb;
  }
  return 0;
}

/** Splits a URL pathname into decoded segments, ignoring empty ones (trailing slash). */
export function splitPath(pathname: string): string[] | null {
  const parts: string[] = [];
  for (const part of pathname.split("/")) {
    if (part === "") continue;
    try {
      parts.push(decodeURIComponent(part));
    } catch {
      return null;
    }
  }
  return parts;
}

/**
 * Matches path segments against a pattern; returns the params or null. With `prefix`,
 * the pattern only has to match the start of the path (folder-level middleware).
 */
export function matchSegments(
  pattern: Segment[],
  parts: string[],
  prefix = false,
): Record<string, string> | null {
  const params: Record<string, string> = {};
  const walk = (i: number, j: number): boolean => {
    if (i === pattern.length) return prefix || j === parts.length;
    const seg = pattern[i];
    switch (seg.kind) {
      case "static":
        return j < parts.length && parts[j] === seg.value && walk(i + 1, j + 1);
      case "param":
        if (j >= parts.length) return false;
        params[seg.name] = parts[j];
        if (walk(i + 1, j + 1)) return true;
        delete params[seg.name];
        return false;
      case "optional":
        if (j < parts.length) {
          params[seg.name] = parts[j];
          if (walk(i + 1, j + 1)) return true;
          delete params[seg.name];
        }
        return walk(i + 1, j);
      case "rest":
        // Greedy first, so "[...rest]/edit" still works by backtracking.
        for (let end = parts.length; end >= j; end--) {
          params[seg.name] = parts.slice(j, end).join("/");
          if (walk(i + 1, end)) return true;
        }
        delete params[seg.name];
        return false;
    }
  };
  return walk(0, 0) ? params : null;
}

/** An ordered table of patterns; `match` returns the most specific entry that fits. */
export class Router<T> {
  #entries: { segments: Segment[]; pattern: string; value: T }[] = [];
  /** All-static patterns by path: such a pattern beats any other that matches. */
  #exact = new Map<string, { segments: Segment[]; pattern: string; value: T }>();

  add(segments: Segment[], value: T): void {
    const pattern = patternToString(segments);
    const shape = shapeOf(segments);
    const clash = this.#entries.find((e) => shapeOf(e.segments) === shape);
    if (clash) {
      throw new Error(`Two routes answer the same paths: ${clash.pattern} and ${pattern}`);
    }
    const entry = { segments, pattern, value };
    this.#entries.push(entry);
    this.#entries.sort((a, b) => compareSpecificity(a.segments, b.segments));
    if (segments.every((s) => s.kind === "static")) this.#exact.set(pattern, entry);
  }

  match(parts: string[]): { value: T; params: Record<string, string>; pattern: string } | null {
    const exact = this.#exact.get("/" + parts.join("/"));
    // Checked again: a decoded "%2F" inside a segment joins like a separator.
    if (exact && matchSegments(exact.segments, parts)) {
      return { value: exact.value, params: {}, pattern: exact.pattern };
    }
    for (const entry of this.#entries) {
      const params = matchSegments(entry.segments, parts);
      if (params) return { value: entry.value, params, pattern: entry.pattern };
    }
    return null;
  }

  get patterns(): string[] {
    return this.#entries.map((e) => e.pattern);
  }
}

// Param names do not matter for clashes: "/a/[id]" and "/a/[slug]" answer the same paths.
function shapeOf(segments: Segment[]): string {
  return segments.map((s) => s.kind === "static" ? `=${s.value}` : s.kind).join("/");
}
