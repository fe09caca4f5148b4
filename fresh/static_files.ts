/**
 * Files from `static/` with a content ETag, so browsers revalidate cheaply (304), and
 * the client bundles under content-hashed URLs, cached for a year.
 */
import { extname, join, resolve, sep } from "node:path";

const TYPES: Record<string, string> = {
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".json": "application/json",
  ".map": "application/json",
  ".html": "text/html; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".avif": "image/avif",
  ".ico": "image/x-icon",
  ".woff": "font/woff",
  ".woff2": "font/woff2",
  ".webmanifest": "application/manifest+json",
  ".xml": "application/xml",
};

/** Content type for a file name; unknown types download rather than render. */
export function contentType(name: string): string {
  return TYPES[extname(name).toLowerCase()] ?? "application/octet-stream";
}

/**
 * Serves files under one folder; answers null for anything that is not a file there.
 * Outside dev the folder is listed once, so routed requests cost no file-system call.
 */
export class StaticFiles {
  #root: string;
  #etags = new Map<string, { mtime: number; size: number; etag: string }>();
  #index: Promise<Set<string>> | null;
  /** URL paths of the listed files, once listed: most requests are routes, not files. */
  #urls: Set<string> | null = null;

  constructor(dir: string, options: { dev?: boolean } = {}) {
    this.#root = resolve(dir);
    this.#index = options.dev ? null : listFiles(this.#root);
    this.#index?.then((files) => {
      this.#urls = new Set([...files].map((path) => toUrlPath(this.#root, path)));
    }, () => {}); // an unreadable folder fails the requests that await the index, not the process
  }

  /** The file's response, or null (synchronously when the listing already says no). */
  serve(req: Request, url: URL): Promise<Response | null> | null {
    if (req.method !== "GET" && req.method !== "HEAD") return null;
    const pathname = url.pathname;
    // Paths with escapes or doubled slashes may still name a listed file: full check below.
    if (
      this.#urls && !this.#urls.has(pathname) && !pathname.includes("%") &&
      !pathname.includes("//")
    ) return null;
    return this.#serve(req, url);
  }

  async #serve(req: Request, url: URL): Promise<Response | null> {
    let pathname: string;
    try {
      pathname = decodeURIComponent(url.pathname);
    } catch {
      return null;
    }
    if (pathname.includes("\0") || pathname.split(/[\\/]/).includes("..")) return null;
    const path = join(this.#root, pathname);
    if (!path.startsWith(this.#root + sep)) return null;
    if (this.#index && !(await this.#index).has(path)) return null;
    let stat: Deno.FileInfo;
    try {
      stat = await Deno.stat(path);
    } catch {
      return null;
    }
    if (!stat.isFile) return null;

    const etag = await this.#etag(path, stat);
    const headers = new Headers({
      "content-type": contentType(path),
      "cache-control": "public, max-age=0, must-revalidate",
      "x-content-type-options": "nosniff",
      etag,
    });
    if (matchesEtag(req.headers.get("if-none-match"), etag)) {
      return new Response(null, { status: 304, headers });
    }
    headers.set("content-length", String(stat.size));
    if (req.method === "HEAD") return new Response(null, { headers });
    const file = await Deno.open(path);
    return new Response(file.readable, { headers });
  }

  async #etag(path: string, stat: Deno.FileInfo): Promise<string> {
    const mtime = stat.mtime?.getTime() ?? 0;
    const known = this.#etags.get(path);
    if (known && known.mtime === mtime && known.size === stat.size) return known.etag;
    const digest = await crypto.subtle.digest("SHA-256", await Deno.readFile(path));
    const etag = `"${hex(digest).slice(0, 32)}"`;
    this.#etags.set(path, { mtime, size: stat.size, etag });
    return etag;
  }
}

async function listFiles(root: string): Promise<Set<string>> {
  const files = new Set<string>();
  const walk = async (dir: string) => {
    try {
      for await (const entry of Deno.readDir(dir)) {
        const path = join(dir, entry.name);
        if (entry.isDirectory) await walk(path);
        else if (entry.isFile) files.add(path);
      }
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
  };
  await walk(root);
  return files;
}

function toUrlPath(root: string, path: string): string {
  return path.slice(root.length).split(sep).join("/");
}

function matchesEtag(header: string | null, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === "*") return true;
  return header.split(",").some((tag) => tag.trim().replace(/^W\//, "") === etag);
}

function hex(buffer: ArrayBuffer): string {
  return Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Serves the client build's files; their names carry a content hash, so never change. */
export function serveBundleFile(files: Map<string, Uint8Array>, name: string): Response {
  const body = files.get(name);
  if (!body) {
    return new Response("Not Found", {
      status: 404,
      headers: { "content-type": "text/plain; charset=utf-8" },
    });
  }
  return new Response(body as Uint8Array<ArrayBuffer>, {
    headers: {
      "content-type": contentType(name),
      "cache-control": "public, max-age=31536000, immutable",
      "x-content-type-options": "nosniff",
    },
  });
}
