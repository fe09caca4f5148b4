/**
 * Per-page CSS: twind generates the rules for the classes a rendered page uses, and only
 * those, to be inlined in its `<head>`. The class attribute values come from the render
 * itself (`class_names.ts`).
 *
 * Generating rules is the costly part of a render, so the CSS is cached by the page's
 * set of class attributes: pages that differ only in text reuse it.
 */
import { stringify, twind, type TwindConfig, virtual } from "@twind/core";

// Preact always double-quotes attributes and escapes quotes inside them, so this cannot
// match text content or another attribute's value.
const CLASS_ATTR = /(\sclass=")([^"]*)"/g;
const CACHE_LIMIT = 500;

interface Extracted {
  css: string;
  /** Class attributes twind rewrites, e.g. grouped `hover:(a b)`. */
  rewrites: Map<string, string>;
}

export class PageStyles {
  #tw;
  #cache = new Map<string, Extracted>();

  constructor(config: TwindConfig) {
    // No hashing: the client runtime must see the same class names the server emitted.
    this.#tw = twind({ ...config, hash: false } as TwindConfig, virtual(false));
  }

  /**
   * Returns the HTML (with class attributes normalised) and the CSS for `classes`, the
   * class attribute values the render of `html` produced, as they appear in it.
   */
  extract(html: string, classes: Set<string>): { html: string; css: string } {
    const values = [...classes];
    const key = values.join("\n");
    let entry = this.#cache.get(key);
    if (!entry) {
      entry = this.#generate(values);
      if (this.#cache.size >= CACHE_LIMIT) this.#cache.delete(this.#cache.keys().next().value!);
      this.#cache.set(key, entry);
    }
    const { rewrites } = entry;
    const out = rewrites.size === 0 ? html : html.replace(
      CLASS_ATTR,
      (whole, start, value) => rewrites.has(value) ? `${start}${rewrites.get(value)}"` : whole,
    );
    return { html: out, css: entry.css };
  }

  #generate(values: string[]): Extracted {
    const tw = this.#tw;
    tw.clear();
    const rewrites = new Map<string, string>();
    for (const value of values) {
      const raw = unescapeHtml(value);
      const out = tw(raw);
      // twind reorders class names; only a changed set of names (grouping such as
      // "hover:(a b)") needs the attribute rewritten.
      if (!sameTokens(out, raw)) rewrites.set(value, escapeHtml(out));
    }
    return { css: stringify(tw.target), rewrites };
  }
}

function unescapeHtml(s: string): string {
  if (!s.includes("&")) return s;
  return s.replaceAll("&quot;", '"').replaceAll("&#39;", "'").replaceAll("&lt;", "<")
    .replaceAll("&gt;", ">").replaceAll("&amp;", "&");
}

function escapeHtml(s: string): string {
  return s.replaceAll("&", "&amp;").replaceAll('"', "&quot;").replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;");
}

function sameTokens(a: string, b: string): boolean {
  const left = a.split(/\s+/).filter(Boolean).sort();
  const right = b.split(/\s+/).filter(Boolean).sort();
  return left.length === right.length && left.every((token, i) => token === right[i]);
}
