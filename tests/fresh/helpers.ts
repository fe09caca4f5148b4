import { fileURLToPath } from "node:url";
import { createFreshProject, type FreshProject } from "../../fresh/mod.ts";
import type { State } from "./fixtures/utils.ts";

export const FIXTURES: string = fileURLToPath(new URL("./fixtures", import.meta.url));

let project: Promise<FreshProject<State>> | null = null;

/** The fixture app, built once per test file (dev build, no watcher). */
export function fixtureApp(): Promise<FreshProject<State>> {
  project ??= createFreshProject<State>({ root: FIXTURES, dev: true, watch: false });
  return project;
}

/** Sends a request to the fixture app and reads the body. */
export async function request(
  path: string,
  init?: RequestInit,
): Promise<{ res: Response; body: string }> {
  const { handler } = await fixtureApp();
  const res = await handler(new Request(new URL(path, "http://localhost"), init));
  return { res, body: await res.text() };
}

/** Runs `fn` with console.error captured; returns the lines logged. */
export async function captureErrors(fn: () => Promise<void>): Promise<string[]> {
  const lines: string[] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => lines.push(args.map(String).join(" "));
  try {
    await fn();
  } finally {
    console.error = original;
  }
  return lines;
}

/** The island data a page ships, parsed. */
export function islandData(html: string): {
  signals: unknown[];
  islands: { chunk: string; exportName: string; props: Record<string, unknown>; slot: boolean }[];
} {
  const m = /<script id="__FRSH_STATE" type="application\/json"[^>]*>(.*?)<\/script>/s.exec(html);
  if (!m) throw new Error("page has no island data");
  return JSON.parse(m[1]);
}
