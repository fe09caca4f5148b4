/**
 * Client bundles with esbuild: one small runtime plus one chunk per island file, with
 * shared code (Preact, signals, twind) split into common chunks. File names carry a
 * content hash. Built at start in dev and again when `islands/` changes, or ahead of time
 * with `deno task build` for production.
 */
import type * as esbuild from "esbuild";
import { basename, extname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { ClientBuild } from "./app.ts";
import { BUNDLE_PREFIX } from "./app.ts";
import { relativePosix, sourceFiles } from "./files.ts";

export interface BuildOptions {
  /** Project root: esbuild resolves packages from its node_modules. */
  root: string;
  islandsDir: string;
  /** Module whose default export is the twind config, shared with the server. */
  twindConfig: string;
  /** Minify and set NODE_ENV=production unless true. */
  dev: boolean;
}

interface Manifest {
  runtime: string;
  /** Island file, relative to the root, to the name of its chunk. */
  islands: Record<string, string>;
}

const RUNTIME = fileURLToPath(new URL("./runtime/client.ts", import.meta.url));
const MANIFEST = "manifest.json";

// esbuild runs as a child process; stop it when no build is running so tests and
// short scripts can exit.
let running = 0;

/** Builds the runtime and every island under `islandsDir`. */
export async function buildClient(options: BuildOptions): Promise<ClientBuild> {
  const root = resolve(options.root);
  const islandFiles = await sourceFiles(options.islandsDir);
  const entryPoints = [
    { in: "fresh-runtime-entry", out: "runtime" },
    ...islandFiles.map((file) => ({
      in: file,
      out: `island-${basename(file, extname(file)).replace(/\W/g, "_")}`,
    })),
  ];
  running++;
  // Loaded only to build: a production server serves `deno task build`'s output.
  const esbuild = await import("esbuild");
  let result;
  try {
    result = await esbuild.build({
      entryPoints,
      absWorkingDir: root,
      bundle: true,
      splitting: true,
      format: "esm",
      platform: "browser",
      target: ["es2022"],
      minify: !options.dev,
      write: false,
      outdir: join(root, "_build"),
      entryNames: "[name]-[hash]",
      chunkNames: "chunk-[hash]",
      metafile: true,
      jsx: "automatic",
      jsxImportSource: "preact",
      define: { "process.env.NODE_ENV": options.dev ? '"development"' : '"production"' },
      logLevel: "silent",
      plugins: [runtimeEntry(resolve(options.twindConfig))],
    });
  } finally {
    if (--running === 0) await esbuild.stop();
  }

  const files = new Map<string, Uint8Array>();
  for (const file of result.outputFiles) files.set(basename(file.path), file.contents);
  const manifest: Manifest = { runtime: "", islands: {} };
  const islands = new Set(islandFiles.map((file) => relativePosix(root, resolve(root, file))));
  for (const [out, meta] of Object.entries(result.metafile.outputs)) {
    if (!meta.entryPoint) continue;
    const name = basename(out);
    const entry = relativePosix(root, resolve(root, meta.entryPoint));
    if (meta.entryPoint.endsWith("fresh-runtime-entry")) manifest.runtime = name;
    // A module an island imports dynamically is an entry point to esbuild too, not an island.
    else if (islands.has(entry)) manifest.islands[entry] = name;
  }
  files.set(MANIFEST, new TextEncoder().encode(JSON.stringify(manifest, null, 2)));
  return fromManifest(root, files, manifest);
}

/** Writes a build to `dir` (replacing what was there), for `loadClientBuild`. */
export async function writeClientBuild(build: ClientBuild, dir: string): Promise<void> {
  await Deno.remove(dir, { recursive: true }).catch(() => {});
  await Deno.mkdir(dir, { recursive: true });
  for (const [name, bytes] of build.files) await Deno.writeFile(join(dir, name), bytes);
}

/**
 * Reads a build written by `deno task build`. Returns null when there is none or when it
 * does not cover exactly the islands in `islandsDir` (built before islands changed).
 */
export async function loadClientBuild(
  dir: string,
  root: string,
  islandsDir: string,
): Promise<ClientBuild | null> {
  let manifest: Manifest;
  try {
    manifest = JSON.parse(await Deno.readTextFile(join(dir, MANIFEST)));
  } catch {
    return null;
  }
  const expected = (await sourceFiles(islandsDir)).map((f) => relativePosix(resolve(root), f));
  const built = Object.keys(manifest.islands);
  if (expected.length !== built.length || expected.some((f) => !built.includes(f))) return null;
  const files = new Map<string, Uint8Array>();
  for await (const entry of Deno.readDir(dir)) {
    if (entry.isFile) files.set(entry.name, await Deno.readFile(join(dir, entry.name)));
  }
  return fromManifest(resolve(root), files, manifest);
}

function fromManifest(root: string, files: Map<string, Uint8Array>, manifest: Manifest) {
  const chunks = new Map<string, string>();
  for (const [file, name] of Object.entries(manifest.islands)) {
    chunks.set(join(root, file), BUNDLE_PREFIX + name);
  }
  return { files, assets: { runtime: BUNDLE_PREFIX + manifest.runtime, chunks } };
}

/**
 * Rebuilds whenever a file under `islandsDir` changes. Changes arriving together cause
 * one rebuild. Returns a function that stops watching.
 */
export function watchIslands(islandsDir: string, onChange: () => Promise<void>): () => void {
  const watcher = Deno.watchFs(islandsDir, { recursive: true });
  let timer: ReturnType<typeof setTimeout> | undefined;
  let pending = Promise.resolve();
  (async () => {
    for await (const event of watcher) {
      if (event.kind === "access") continue;
      clearTimeout(timer);
      timer = setTimeout(() => pending = pending.then(onChange), 50);
    }
  })().catch(() => {});
  return () => {
    clearTimeout(timer);
    watcher.close();
  };
}

// The runtime entry is generated so it can import the app's twind config.
function runtimeEntry(twindConfig: string): esbuild.Plugin {
  return {
    name: "fresh-runtime-entry",
    setup(build) {
      build.onResolve({ filter: /^fresh-runtime-entry$/ }, (args) => ({
        path: args.path,
        namespace: "fresh",
      }));
      build.onLoad({ filter: /.*/, namespace: "fresh" }, () => ({
        contents: `import { boot } from ${JSON.stringify(RUNTIME)};\n` +
          `import config from ${JSON.stringify(twindConfig)};\n` +
          `boot(config);\n`,
        loader: "ts",
        resolveDir: resolve(RUNTIME, ".."),
      }));
    },
  };
}
