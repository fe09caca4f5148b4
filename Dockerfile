# The Deno version is pinned here and in .ci/run (DENO_VERSION); tests/deploy_image.test.ts
# checks they match and runs this file's build steps with exactly that version.
FROM denoland/deno:2.9.6

WORKDIR /app

# Dependencies in a layer of their own: rebuilt only when the lockfile or import map changes.
COPY deno.json deno.lock import_map.json ./
RUN deno install --frozen

# The code, then the island bundles (production serves them from _build/). The runtime
# user may write Deno's cache; the code itself stays root's, read-only to it.
COPY . .
RUN deno install --frozen && deno task build && chown -R deno:deno "${DENO_DIR:-/deno-dir}"

USER deno
EXPOSE 8000
# fly.toml names the command of each process group (web, publisher, worker).
CMD ["task", "start"]
