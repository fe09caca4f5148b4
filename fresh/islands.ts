/**
 * Islands on the server: which components are islands, and how a page that renders one
 * marks it for the client runtime.
 *
 * A page's `<Counter />` is swapped at vnode creation for a wrapper that records the
 * island and its encoded props and renders it inside `<fresh-island data-fresh-island=N>`.
 * Islands rendered by another island are part of that island's client tree and stay as
 * they are; islands passed as JSX children are rendered (on the server) into a
 * `<fresh-slot>` and hydrated on their own.
 */
import { type ComponentType, Fragment, h, options, type VNode } from "preact";
import { basename, extname } from "node:path";
import { importFile, relativePosix, sourceFiles } from "./files.ts";
import { type Encoded, PropsEncoder } from "./serialize.ts";

export interface IslandInfo {
  /** Unique readable name, used in error messages. */
  name: string;
  /** Absolute path of the module. */
  file: string;
  exportName: string;
  component: ComponentType;
}

/** One island occurrence on a rendered page. */
export interface IslandUse {
  file: string;
  exportName: string;
  props: Encoded;
  slot: boolean;
}

/** Collects the islands of one render. */
export class RenderState {
  readonly islands: IslandUse[] = [];
  readonly encoder: PropsEncoder = new PropsEncoder();
}

// deno-lint-ignore ban-types
const registry = new Map<Function, IslandInfo>();
let current: RenderState | null = null;
let islandDepth = 0;

/** Imports every module under `dir` and registers each exported component as an island. */
export async function loadIslands(dir: string): Promise<IslandInfo[]> {
  const found: IslandInfo[] = [];
  for (const file of await sourceFiles(dir)) {
    const mod = await importFile(file);
    const stem = relativePosix(dir, file).slice(0, -extname(file).length).replace(/\W/g, "_");
    for (const [exportName, value] of Object.entries(mod)) {
      if (typeof value !== "function") continue;
      const name = exportName === "default" ? stem : `${stem}_${exportName}`;
      const info = { name, file, exportName, component: value as ComponentType };
      registry.set(value, info);
      found.push(info);
    }
  }
  if (found.length === 0 && (await sourceFiles(dir)).length > 0) {
    throw new Error(`${basename(dir)}/: no exported components found; export island components`);
  }
  return found;
}

/** Runs a synchronous render with island collection on; renders never interleave. */
export function collectIslands<T>(state: RenderState, render: () => T): T {
  current = state;
  islandDepth = 0;
  try {
    return render();
  } finally {
    current = null;
    islandDepth = 0;
  }
}

const ISLAND = Symbol("island");

interface WrapperProps {
  [ISLAND]: IslandInfo;
  props: Record<string, unknown>;
}

// deno-lint-ignore no-explicit-any
function IslandServer(wrapper: WrapperProps): VNode<any> {
  const info = wrapper[ISLAND];
  const props = wrapper.props;
  if (!current) return h(info.component, props);
  const { children, ...data } = props;
  const slot = children !== undefined;
  const id = current.islands.length;
  current.islands.push({
    file: info.file,
    exportName: info.exportName,
    props: current.encoder.encode(info.name, data),
    slot,
  });
  const islandProps = slot
    ? { ...props, children: h("fresh-slot", null, children as VNode) }
    : props;
  return h("fresh-island", { "data-fresh-island": String(id) }, h(info.component, islandProps));
}

// Preact's internal option names: __b runs before a vnode renders, diffed after its
// subtree; render-to-string calls both, which lets us know when we are inside an island.
type Hook = ((vnode: VNode) => void) | undefined;
const hooks = options as unknown as { __b: Hook; diffed: Hook; vnode: Hook };
const previousVnode = hooks.vnode;
const previousDiff = hooks.__b;
const previousDiffed = hooks.diffed;

hooks.vnode = (vnode) => {
  // Fragments include every precompiled JSX template: the bulk of vnodes, never islands.
  if (islandDepth === 0 && typeof vnode.type === "function" && vnode.type !== Fragment) {
    const info = registry.get(vnode.type);
    if (info) {
      const node = vnode as unknown as { type: unknown; props: WrapperProps };
      node.props = { [ISLAND]: info, props: vnode.props as Record<string, unknown> };
      node.type = IslandServer;
    }
  }
  previousVnode?.(vnode);
};
hooks.__b = (vnode) => {
  if (vnode.type === IslandServer) islandDepth++;
  previousDiff?.(vnode);
};
hooks.diffed = (vnode) => {
  if (vnode.type === IslandServer) islandDepth--;
  previousDiffed?.(vnode);
};
