/**
 * Debian's Chromium through playwright-core, as every browser test launches it, and
 * screenshots at the widths the dashboard promises, into `.data/screenshots/` (ignored
 * by git) for a person to look at.
 */
import { type Browser, type BrowserContextOptions, chromium, type Page } from "playwright-core";
import { withTimeout } from "../../lib/async.ts";

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
}

/** Closes the browser, failing the test rather than hanging it if Chromium does not end. */
export function closeBrowser(browser: Browser): Promise<void> {
  return withTimeout(browser.close(), 15_000, "closing Chromium");
}

/**
 * A context signed in with a test user's cookies (`jar`, from `server.user()`) for the app
 * at `url`, 1280 px wide unless `options` say otherwise, allowing slow steps on a busy
 * machine.
 */
export async function signedInContext(
  browser: Browser,
  url: string,
  jar: Map<string, string>,
  options: BrowserContextOptions = {},
) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
  context.setDefaultTimeout(90_000);
  await context.addCookies([...jar].map(([name, value]) => ({ name, value, url })));
  return context;
}

const SHOTS = new URL("../../.data/screenshots/", import.meta.url).pathname;

/** Full-page screenshots of the current page at 1280 and 390 px, light and dark. */
export async function screenshots(page: Page, name: string): Promise<void> {
  await Deno.mkdir(SHOTS, { recursive: true });
  const original = page.viewportSize() ?? { width: 1280, height: 800 };
  for (const width of [1280, 390]) {
    for (const scheme of ["light", "dark"] as const) {
      await page.setViewportSize({ width, height: 800 });
      await page.emulateMedia({ colorScheme: scheme });
      // Buttons fade between schemes (transition-colors); shoot the settled colours.
      await page.evaluate(() => Promise.all(document.getAnimations().map((a) => a.finished)));
      await page.screenshot({ path: `${SHOTS}${name}-${width}-${scheme}.png`, fullPage: true });
    }
  }
  await page.emulateMedia({ colorScheme: "light" });
  await page.setViewportSize(original);
}

/** Collects console errors and uncaught exceptions of a page (favicon misses aside). */
export function watchProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`${m.text()} ${m.location().url}`);
  });
  page.on("pageerror", (e) => problems.push(e.message));
  page.on("dialog", (d) => {
    problems.push(`dialog: ${d.message()}`);
    d.dismiss().catch(() => {});
  });
  return problems;
}
