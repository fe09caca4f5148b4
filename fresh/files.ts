import { extname, join, relative, sep } from "node:path";
import { pathToFileURL } from "node:url";

const SOURCE = new Set([".ts", ".tsx", ".js", ".jsx"]);

/** Source files under `dir`, sorted, as absolute paths; test files are skipped. */
export async function sourceFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (current: string) => {
    let entries: Deno.DirEntry[];
    try {
      entries = await Array.fromAsync(Deno.readDir(current));
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return;
      throw error;
    }
    for (const entry of entries) {
      const path = join(current, entry.name);
      if (entry.isDirectory) await walk(path);
      else if (SOURCE.has(extname(entry.name)) && !/[._]test\.[jt]sx?$/.test(entry.name)) {
        out.push(path);
      }
    }
  };
  await walk(dir);
  return out.sort();
}

/** `path` relative to `root` with forward slashes, as shown in messages and manifests. */
export function relativePosix(root: string, path: string): string {
  return relative(root, path).split(sep).join("/");
}

/** Imports a module by absolute path. */
export function importFile(path: string): Promise<Record<string, unknown>> {
  return import(pathToFileURL(path).href);
}
