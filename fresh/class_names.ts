/**
 * The class attribute values of one render, gathered while preact renders each vnode,
 * so that finding a page's CSS does not mean scanning its HTML afterwards.
 *
 * Values are kept as they appear in the HTML (entities escaped), which is the form
 * `PageStyles` rewrites. Three shapes carry a class:
 * - precompiled JSX templates (`jsxTemplate`): static attributes sit in the template's
 *   strings, one array per call site, so their values are parsed once and remembered;
 * - dynamic attributes in templates: `jsxAttr` has already serialised them to
 *   `class="…"` strings among the template's expressions (escaped text never contains a
 *   bare `"`, so a text expression cannot look like one);
 * - ordinary element vnodes (spread props, `h()`): `class` or `className`, maybe a signal.
 */
import { Fragment, options, type VNode } from "preact";

const CLASS_ATTR = /\sclass="([^"]*)"/g;
const DYNAMIC_CLASS = 'class="';

/** What one template (one JSX call site) contributes, worked out on first sight. */
interface TemplateInfo {
  /** Values of the static class attributes in its strings. */
  classes: string[];
  /** Indexes of the expressions that sit inside a tag, i.e. are attributes. */
  attributes: number[];
}

const templates = new WeakMap<readonly string[], TemplateInfo>();

/** The collection of the render in progress. */
let current: {
  templates: Set<TemplateInfo>;
  /** `class="…"` strings from `jsxAttr`; a table repeats a few of them per row. */
  dynamic: Set<string>;
  elements: Set<string>;
} | null = null;
let lastTemplate: readonly string[] | null = null;
let lastInfo: TemplateInfo | null = null;

/**
 * Runs a synchronous render, adding the class values it renders to `into`; renders
 * never interleave, since render-to-string is synchronous.
 */
export function collectClasses<T>(into: Set<string>, render: () => T): T {
  const found = { templates: new Set<TemplateInfo>(), dynamic: new Set<string>(), elements: into };
  current = found;
  try {
    return render();
  } finally {
    current = null;
    lastTemplate = lastInfo = null;
    for (const info of found.templates) for (const value of info.classes) into.add(value);
    for (const attr of found.dynamic) into.add(attr.slice(DYNAMIC_CLASS.length, -1));
  }
}

function templateInfo(tpl: readonly string[]): TemplateInfo {
  let info = templates.get(tpl);
  if (info === undefined) {
    info = { classes: [], attributes: [] };
    let inTag = false;
    let quoted = false;
    for (let i = 0; i < tpl.length; i++) {
      const part = tpl[i];
      for (const m of part.matchAll(CLASS_ATTR)) info.classes.push(m[1]);
      for (const char of part) {
        if (char === '"' && inTag) quoted = !quoted;
        else if (char === "<" && !quoted) inTag = true;
        else if (char === ">" && !quoted) inTag = false;
      }
      if (inTag && i < tpl.length - 1) info.attributes.push(i);
    }
    templates.set(tpl, info);
  }
  return info;
}

function noteClasses(vnode: VNode): void {
  const found = current!;
  const props = vnode.props as Record<string, unknown>;
  if (typeof vnode.type === "string") {
    let value = props.class ?? props.className;
    // A signal renders as its value.
    if (typeof value === "object" && value !== null && "value" in value) value = value.value;
    if (typeof value === "string" && value !== "") found.elements.add(escapeAttribute(value));
    return;
  }
  if (vnode.type !== Fragment || !Array.isArray(props.tpl)) return;
  const tpl = props.tpl as readonly string[];
  // Rows of a list share a template: skip the lookups for the common run of repeats.
  let info = lastInfo;
  if (tpl !== lastTemplate) {
    info = lastInfo = templateInfo(tpl);
    lastTemplate = tpl;
    found.templates.add(info);
  }
  if (info!.attributes.length === 0) return;
  const exprs = props.exprs as unknown[];
  for (const i of info!.attributes) {
    const expr = exprs[i];
    if (typeof expr === "string" && expr.startsWith(DYNAMIC_CLASS)) found.dynamic.add(expr);
  }
}

/** The same escaping render-to-string applies to attribute values. */
function escapeAttribute(value: string): string {
  if (!/["&<]/.test(value)) return value;
  return value.replaceAll("&", "&amp;").replaceAll('"', "&quot;").replaceAll("<", "&lt;");
}

// Preact's internal name for the hook run before each vnode renders; render-to-string
// calls it for elements, components and templates alike.
type Hook = ((vnode: VNode) => void) | undefined;
const hooks = options as unknown as { __b: Hook };
const previousDiff = hooks.__b;
hooks.__b = (vnode) => {
  if (current !== null) noteClasses(vnode);
  previousDiff?.(vnode);
};

// `jsxAttr("class", value)` builds a new `class="…"` string per call, which the Set
// above must then hash. Handing out one string per distinct value makes that lookup
// pointer-cheap and spares the escaping. Bounded, as values may be built from data.
const ATTR_LIMIT = 1000;
const classAttrs = new Map<string, string>();
const previousAttr = options.attr;
options.attr = (name, value) => {
  if (name === "class" && typeof value === "string") {
    let attr = classAttrs.get(value);
    if (attr === undefined) {
      if (classAttrs.size >= ATTR_LIMIT) classAttrs.clear();
      attr = `${DYNAMIC_CLASS}${escapeAttribute(value)}"`;
      classAttrs.set(value, attr);
    }
    return attr;
  }
  return previousAttr?.(name, value);
};
