import assert from "node:assert/strict";
import { apiServer, errorCode } from "../helpers/api.ts";
import { sha256 } from "../../services/users/sessions.ts";
import { loggableError } from "../../lib/loggable_error.ts";

/** Every line the process writes to stdout or stderr while `run` runs. */
async function captureLogs(run: () => Promise<void>): Promise<string[]> {
  const lines: string[] = [];
  const { log, error, warn, info } = console;
  const keep = (...args: unknown[]) => lines.push(args.map(String).join(" "));
  Object.assign(console, { log: keep, error: keep, warn: keep, info: keep });
  try {
    await run();
  } finally {
    Object.assign(console, { log, error, warn, info });
  }
  return lines;
}

/** Makes Postgres refuse writes the way a statement timeout does (SQLSTATE 57014). */
async function failWritesLikeATimeout(
  sql: Awaited<ReturnType<typeof apiServer>>["bed"]["pg"]["sql"],
) {
  await sql.unsafe(`
    create function refuse_like_timeout() returns trigger language plpgsql as $$
    begin
      raise exception 'canceling statement due to statement timeout' using errcode = '57014';
    end $$;
    create trigger refuse_websites before insert on websites
      for each row execute function refuse_like_timeout();
    create trigger refuse_sessions before delete on sessions
      for each row execute function refuse_like_timeout();
    create trigger refuse_users before insert on users
      for each row when (new.email like 'doomed-%') execute function refuse_like_timeout();
  `);
}

Deno.test("a failed query logs its Postgres code, never the header, password hash or session token hash", async () => {
  const server = await apiServer();
  try {
    const browser = await server.user("owner");
    const tokenHash = await sha256(browser.jar.get("uptime_session")!);
    const secretHeader = `Bearer top-secret-${crypto.randomUUID()}`;
    await failWritesLikeATimeout(server.bed.pg.sql);

    const lines = await captureLogs(async () => {
      assert.equal(
        await errorCode(browser.api.website.create.mutate({
          url: "https://example.com/private",
          headers: { Authorization: secretHeader },
        })),
        "INTERNAL_SERVER_ERROR",
      );
      assert.equal(
        await errorCode(
          server.client().api.user.signup.mutate({
            email: `doomed-${crypto.randomUUID().slice(0, 8)}@example.com`,
            password: "a long enough password",
          }),
        ),
        "INTERNAL_SERVER_ERROR",
      );
      // Logout deletes the session by its token hash.
      assert.equal(await errorCode(browser.api.user.logout.mutate()), "INTERNAL_SERVER_ERROR");
    });

    const failures = lines.filter((line) => line.includes('"api.failed"'));
    assert.equal(failures.length, 3, lines.join("\n"));
    for (const line of failures) {
      assert.equal(JSON.parse(line).error.code, "57014");
      assert.equal(JSON.parse(line).error.message, "query_canceled");
    }
    const all = lines.join("\n");
    assert.ok(!all.includes("top-secret"), "the Authorization header is logged");
    assert.ok(!all.includes("scrypt$"), "a password hash is logged");
    assert.ok(!all.includes(tokenHash), "a session token hash is logged");
    assert.ok(!all.includes("Failed query"), "a query with its parameters is logged");
  } finally {
    await server.close();
  }
});

Deno.test("a query that fails without an answer from Postgres is logged by the driver's code", () => {
  const driver = Object.assign(new Error("write CONNECTION_CLOSED 127.0.0.1:5432"), {
    code: "CONNECTION_CLOSED",
  });
  const wrapper = Object.assign(
    new Error("Failed query: insert into users values ($1)\nparams: scrypt$131072$secret"),
    { name: "DrizzleQueryError", params: ["scrypt$131072$secret"], cause: driver },
  );
  assert.deepEqual(loggableError(wrapper, true), {
    name: "DatabaseError",
    code: "CONNECTION_CLOSED",
    message: "CONNECTION_CLOSED: write CONNECTION_CLOSED 127.0.0.1:5432",
  });
});
