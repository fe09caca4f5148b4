/**
 * The browser runtime, shipped only to pages with islands: reads the page's island data,
 * imports each island's chunk, and hydrates it with its decoded props. It also runs twind
 * so classes islands add later get styles.
 */
import { type ComponentType, h, hydrate } from "preact";
import { cssom, observe, twind, type TwindConfig } from "@twind/core";
import { createDecoder, type Encoded } from "../serialize.ts";

interface PageData {
  signals: Encoded[];
  islands: { chunk: string; exportName: string; props: Encoded; slot: boolean }[];
}

/** Hydrates the islands of the current page. */
export async function boot(config: TwindConfig): Promise<void> {
  const dataElement = document.getElementById("__FRSH_STATE") as HTMLScriptElement | null;
  if (!dataElement) return;
  const data: PageData = JSON.parse(dataElement.textContent!);
  startTwind(config, dataElement.nonce);

  const roots = [...document.querySelectorAll<HTMLElement>("fresh-island")];
  // Slots are read before any island hydrates, while they hold the server's markup.
  const slots = new Map(roots.map((root) => [root, ownSlot(root)?.innerHTML ?? ""]));
  const chunks = [...new Set(data.islands.map((i) => i.chunk))];
  const modules = new Map(
    await Promise.all(chunks.map(async (c) => [c, await import(c)] as const)),
  );
  const decode = createDecoder(data.signals);

  for (const root of roots) {
    const island = data.islands[Number(root.dataset.freshIsland)];
    const component = modules.get(island.chunk)[island.exportName] as ComponentType;
    const props = decode(island.props) as Record<string, unknown>;
    if (island.slot) {
      // Server-rendered children stay as they are; Preact leaves innerHTML alone while
      // hydrating and whenever the HTML string is unchanged.
      props.children = h("fresh-slot", { dangerouslySetInnerHTML: { __html: slots.get(root)! } });
    }
    hydrate(h(component, props), root);
  }
}

/** The first slot inside `root` that belongs to `root` and not to a nested island. */
function ownSlot(root: HTMLElement): Element | undefined {
  return [...root.querySelectorAll("fresh-slot")].find((s) =>
    s.parentElement?.closest("fresh-island") === root
  );
}

// A style element of its own, carrying the page's nonce so the CSP lets it apply. It
// comes after the server's CSS and restyles every class on the page, so order holds.
function startTwind(config: TwindConfig, nonce: string): void {
  const style = document.createElement("style");
  style.nonce = nonce;
  document.head.append(style);
  observe(twind({ ...config, hash: false } as TwindConfig, cssom(style)));
}
