/**
 * The image's build steps, proven without a Docker engine: the Dockerfile pins the Deno
 * that CI installs, caches dependencies in a layer of their own, runs as a non-root user,
 * and its `deno install --frozen` and `deno task build` pass with exactly that Deno
 * (installed from npm, which has every release) in a copy of what `COPY` would copy.
 */
import assert from "node:assert/strict";

const root = new URL("../", import.meta.url).pathname;
const dockerfile = await Deno.readTextFile(`${root}Dockerfile`);
const imageVersion = /^FROM denoland\/deno:(\S+)\s*$/m.exec(dockerfile)?.[1];
const ciVersion = /^DENO_VERSION=(\S+)\s*$/m.exec(await Deno.readTextFile(`${root}.ci/run`))
  ?.[1];

/** The Dockerfile as [instruction, arguments], comments dropped, continuations joined. */
function instructions(text: string): [string, string][] {
  const lines = text.replace(/\\\n/g, " ").split("\n");
  return lines.filter((line) => line.trim() && !line.trim().startsWith("#")).map((line) => {
    const [op, ...rest] = line.trim().split(/\s+/);
    return [op.toUpperCase(), rest.join(" ")];
  });
}

Deno.test("the image's Deno is the version CI installs", () => {
  assert.match(imageVersion ?? "", /^\d+\.\d+\.\d+$/, "FROM denoland/deno:<x.y.z>");
  assert.equal(imageVersion, ciVersion, "Dockerfile and .ci/run's DENO_VERSION");
});

Deno.test("dependencies have a layer of their own, bundles are built, the user is not root", () => {
  const steps = instructions(dockerfile);
  const at = (op: string, match: RegExp) => steps.findIndex(([o, a]) => o === op && match.test(a));
  const copyManifests = at("COPY", /^deno\.json deno\.lock import_map\.json \.\/$/);
  const installDeps = at("RUN", /^deno install --frozen$/);
  const copyAll = at("COPY", /^\. \.$/);
  const build = at("RUN", /deno task build/);
  assert.ok(copyManifests >= 0 && installDeps > copyManifests, "manifests, then install");
  assert.ok(copyAll > installDeps && build > copyAll, "then the code, then the build");
  const user = steps.findLastIndex(([op]) => op === "USER");
  assert.ok(user > build, "USER after the last build step");
  assert.doesNotMatch(steps[user][1], /^(root|0)(:|$)/);
  assert.equal(steps.at(-1)?.[0], "CMD");
});

/** null when npm answers; else why the registry cannot be reached. */
async function registryUnreachable(version: string): Promise<string | null> {
  let text: string;
  try {
    const output = await new Deno.Command("npm", {
      args: ["view", `deno@${version}`, "version"],
      stdout: "piped",
      stderr: "piped",
      signal: AbortSignal.timeout(30_000),
    }).output();
    if (output.code === 0) return null;
    // Stopped by the timeout's signal: npm was still retrying the registry.
    text = output.signal
      ? "npm view got no answer within 30 s"
      : new TextDecoder().decode(output.stderr).trim() || `npm view exited with ${output.code}`;
  } catch (error) {
    text = error instanceof DOMException && error.name === "TimeoutError"
      ? "npm view got no answer within 30 s"
      : `npm view: ${error instanceof Error ? error.message : error}`;
  }
  // A version npm does not know is a failure of the pin, not of the network.
  if (/E404|No match found/.test(text)) return null;
  return text.split("\n").find((line) => /code|error|answer/i.test(line))?.trim() || text;
}

const unreachable = imageVersion ? await registryUnreachable(imageVersion) : null;

async function run(cmd: string, args: string[], cwd: string, timeoutMs: number): Promise<void> {
  const output = await new Deno.Command(cmd, {
    args,
    cwd,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(timeoutMs),
  }).output();
  const text = new TextDecoder().decode(output.stdout) + new TextDecoder().decode(output.stderr);
  assert.equal(output.code, 0, `${cmd} ${args.join(" ")} failed:\n${text.slice(-3_000)}`);
}

/** Copies the project as `COPY . .` would: everything but what .dockerignore names. */
async function copyProject(to: string): Promise<void> {
  const ignored = new Set(
    (await Deno.readTextFile(`${root}.dockerignore`)).split("\n").map((l) => l.trim())
      .filter((l) => l && !l.startsWith("#")),
  );
  for await (const entry of Deno.readDir(root)) {
    if (ignored.has(entry.name)) continue;
    await run("cp", ["-R", `${root}${entry.name}`, `${to}/`], root, 60_000);
  }
}

Deno.test({
  name: "the image's build steps pass with exactly the pinned Deno, installed from npm" +
    (unreachable ? ` (SKIPPED: the npm registry is unreachable: ${unreachable})` : ""),
  ignore: unreachable !== null,
  async fn() {
    const tmp = await Deno.makeTempDir({ prefix: "uptime-image-" });
    try {
      await run(
        "npm",
        [
          "install",
          `deno@${imageVersion}`,
          "--prefix",
          `${tmp}/deno`,
          "--no-audit",
          "--no-fund",
        ],
        tmp,
        300_000,
      );
      const deno = `${tmp}/deno/node_modules/.bin/deno`;
      const version = await new Deno.Command(deno, { args: ["--version"] }).output();
      assert.match(new TextDecoder().decode(version.stdout), new RegExp(`^deno ${imageVersion} `));

      // Layer one: the manifests alone.
      const app = `${tmp}/app`;
      await Deno.mkdir(app);
      for (const file of ["deno.json", "deno.lock", "import_map.json"]) {
        await Deno.copyFile(`${root}${file}`, `${app}/${file}`);
      }
      await run(deno, ["install", "--frozen"], app, 300_000);
      // Layer two: the code, then the bundles.
      await copyProject(app);
      await run(deno, ["install", "--frozen"], app, 300_000);
      await run(deno, ["task", "build"], app, 300_000);
      const built = [...Deno.readDirSync(`${app}/_build`)];
      assert.ok(built.length > 0, "_build/ holds the island bundles");
    } finally {
      await Deno.remove(tmp, { recursive: true });
    }
  },
});
