/**
 * The monitor pages as plain forms (no JavaScript): add with errors at their fields, the
 * header rows, edit, pause/resume/delete behind a confirmation, and the monitors table's
 * search and filter answered by the server.
 */
import assert from "node:assert/strict";
import { openRecord } from "../../lib/sealed_record.ts";
import { apiServer } from "../helpers/api.ts";
import { connectClickHouse } from "../../db/clickhouse/client.ts";

const post = (fields: [string, string][]) => ({
  method: "POST",
  headers: { "content-type": "application/x-www-form-urlencoded" },
  body: new URLSearchParams(fields).toString(),
  redirect: "manual" as const,
});

const monitorFields = (over: Record<string, string> = {}): [string, string][] => {
  const base: Record<string, string> = {
    // Nothing listens there; port 9 (discard) is a blocked port, refused by the form.
    url: "http://127.0.0.1:9999/health",
    name: "",
    method: "GET",
    body: "",
    interval: "60",
    interval_custom: "",
    timeout: "10",
    expected_status: "",
    keyword: "",
    ...over,
  };
  return [
    ...Object.entries(base),
    ["header_name", "Authorization"],
    ["header_value", "Bearer s3cret"],
    ["regions", "local"],
  ];
};

Deno.test("monitor pages work as plain forms", async (t) => {
  const server = await apiServer({ REGIONS: "local", MIN_INTERVAL_SECONDS: "30" });
  try {
    const { fetch: browser, api } = await server.user("forms");
    const get = async (path: string) => {
      const res = await browser(`${server.url}${path}`, { redirect: "manual" });
      return { status: res.status, html: await res.text(), location: res.headers.get("location") };
    };
    let id = "";

    await t.step("an empty account leads to adding the first monitor", async () => {
      const { html } = await get("/app");
      assert.match(html, /Add your first monitor/);
    });

    await t.step(
      "the monitors section's own address leads to the list, keeping its query",
      async () => {
        const { status, location } = await get("/app/monitors?status=down");
        assert.equal(status, 301);
        assert.equal(location, "/app?status=down");
      },
    );

    await t.step("the add form shows every field with a label", async () => {
      const { html } = await get("/app/monitors/new");
      for (
        const label of [
          "URL",
          "Name",
          "Method",
          "Header name 1",
          "Header value 1",
          "Request body",
          "Check interval",
          "Custom interval (seconds)",
          "Timeout (seconds)",
          "Expected status",
          "Keyword",
          "Reminders",
        ]
      ) {
        assert.match(
          html,
          new RegExp(`<label[^>]*>${label.replace(/[()]/g, "\\$&")}</label>`),
          label,
        );
      }
      assert.match(
        html,
        /Every 30 seconds[\s\S]*Every minute[\s\S]*Every 3 minutes[\s\S]*Every 5 minutes[\s\S]*Every 10 minutes[\s\S]*Custom/,
      );
      assert.match(html, /name="regions" value="local" checked/);
    });

    await t.step("server errors appear at the field they name", async () => {
      const res = await browser(
        `${server.url}/app/monitors/new`,
        post(monitorFields({ url: "ftp://example.com", interval: "custom", interval_custom: "5" })),
      );
      const html = await res.text();
      assert.equal(res.status, 400);
      assert.match(html, /id="url-error"[^>]*>⚠ [^<]*http/i);
      // The values typed are kept.
      assert.match(html, /value="Bearer s3cret"/);
      // A bad URL and a bad timeout are both named, not one a post.
      const both = await (await browser(
        `${server.url}/app/monitors/new`,
        post(monitorFields({ url: "example dot com", timeout: "500" })),
      )).text();
      assert.match(both, /id="url-error"[^>]*>⚠ Not a valid URL/);
      assert.match(both, /id="timeout-error"[^>]*>⚠ At most 60/);
      // So is an interval below the deployment's shortest, though judged after the schema.
      const three = await (await browser(
        `${server.url}/app/monitors/new`,
        post(monitorFields({ url: "htp:/bad", interval: "custom", interval_custom: "10" })),
      )).text();
      assert.match(three, /id="url-error"[^>]*>⚠ /);
      assert.match(three, /id="interval_custom-error"[^>]*>⚠ At least 30 seconds/);
    });

    await t.step("an interval below the minimum is refused at the interval", async () => {
      const res = await browser(
        `${server.url}/app/monitors/new`,
        post(monitorFields({ interval: "custom", interval_custom: "5" })),
      );
      const html = await res.text();
      assert.equal(res.status, 400);
      // At the field that holds it, and listed above the form, which is focused first.
      assert.match(html, /id="interval_custom-error"[^>]*>⚠ At least 30 seconds/);
      assert.match(html, /autofocus[^>]*>.*href="#interval_custom"/s);
    });

    await t.step("Add header posts back one more row without saving", async () => {
      const res = await browser(
        `${server.url}/app/monitors/new`,
        post([...monitorFields(), ["add_header", "1"]]),
      );
      const html = await res.text();
      assert.equal(res.status, 200);
      assert.match(html, /Header name 2/);
      const list = await get("/app");
      assert.match(list.html, /Add your first monitor/, "nothing was saved");
    });

    await t.step("a valid form adds the monitor and opens it", async () => {
      const res = await browser(
        `${server.url}/app/monitors/new`,
        post(monitorFields({ name: "<img src=x onerror=alert(1)>", keyword: "ok" })),
      );
      await res.body?.cancel();
      assert.equal(res.status, 303);
      const location = res.headers.get("location") ?? "";
      id = /\/app\/monitors\/([0-9a-f-]{36})\?notice=created$/.exec(location)![1];
      assert.match((await get(location)).html, /Monitor added\. Its first check runs now\./);
      assert.doesNotMatch((await get(`/app/monitors/${id}`)).html, /Monitor added/);
      const [row] = await server.services.sql`select * from websites where id = ${id}`;
      assert.equal(row.interval_seconds, 60);
      assert.equal(row.timeout_ms, 10_000);
      // Sealed under SECRETS_KEY (Security), as a channel's settings.
      assert.deepEqual(Object.keys(row.headers), ["$sealed"]);
      assert.ok(!JSON.stringify(row.headers).includes("s3cret"));
      assert.deepEqual(openRecord(server.services.config.secretKeys, row.headers), {
        Authorization: "Bearer s3cret",
      });
      assert.equal(row.keyword, "ok");
    });

    await t.step("the table lists it, its name as text, and finds it by search", async () => {
      const { html } = await get("/app");
      assert.ok(html.includes("&lt;img src=x onerror=alert(1)"));
      assert.ok(!html.includes("<img src=x"));
      assert.match(html, /data-monitor="[0-9a-f-]{36}"/);
      // Under the name, what is checked: monitors of one host differ by their path.
      assert.match(html, />http:\/\/127\.0\.0\.1:9999\/health<\/span>/);
      const found = await get("/app?q=127.0.0.1");
      assert.match(found.html, new RegExp(`data-monitor="${id}"`));
      const none = await get("/app?q=nothing-like-this");
      assert.match(none.html, /No monitors match this search/);
      const paused = await get("/app?status=paused");
      assert.match(paused.html, /No monitors are paused right now\./);
    });

    await t.step("the table says where its server time went (Server-Timing)", async () => {
      const res = await browser(`${server.url}/app`);
      await res.body?.cancel();
      const steps = (res.headers.get("server-timing") ?? "").split(", ").map((entry) => {
        const [name, duration] = entry.split(";dur=");
        assert.ok(Number(duration) >= 0, entry);
        return name;
      });
      assert.deepEqual(steps, [
        "session",
        "monitors",
        "live",
        "uptime",
        "strips",
        "render",
        "total",
      ]);
    });

    await t.step(
      "without ClickHouse the table still lists monitors, and says what is missing",
      async () => {
        const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
        const port = (listener.addr as Deno.NetAddr).port;
        listener.close();
        const working = server.services.ch;
        server.services.ch = connectClickHouse(`http://127.0.0.1:${port}/uptime`, {
          timeoutMs: 2_000,
        });
        try {
          const { status, html } = await get("/app");
          assert.equal(status, 200);
          assert.match(html, new RegExp(`data-monitor="${id}"`));
          assert.match(html, /Stored results cannot be read right now/);
        } finally {
          await server.services.ch.close();
          server.services.ch = working;
        }
      },
    );

    await t.step("edit shows the saved values and saves changes", async () => {
      const { html } = await get(`/app/monitors/${id}/edit`);
      assert.match(html, /value="Bearer s3cret"/);
      assert.ok(
        /<option[^>]*value="60"[^>]*selected|<option[^>]*selected[^>]*value="60"/.test(html),
        "60 s preset chosen",
      );
      const res = await browser(
        `${server.url}/app/monitors/${id}/edit`,
        post(
          monitorFields({
            name: "API",
            interval: "custom",
            interval_custom: "45",
            keyword: "",
            remind_every: "60",
          }),
        ),
      );
      await res.body?.cancel();
      assert.equal(res.status, 303);
      const saved = await get(res.headers.get("location")!);
      assert.match(saved.html, /Changes saved\. The next check uses them\./);
      const [row] = await server.services.sql`select * from websites where id = ${id}`;
      assert.equal(row.name, "API");
      assert.equal(row.interval_seconds, 45);
      assert.equal(row.keyword, null);
      assert.equal(row.remind_every_minutes, 60);
      assert.match(
        (await get(`/app/monitors/${id}/edit`)).html,
        /<option[^>]*selected[^>]*>Every hour</,
      );
    });

    await t.step("alerts go to every channel, or to the ones ticked", async () => {
      const [before] = await server.services
        .sql`select notification_channel_ids from websites where id = ${id}`;
      assert.equal(before.notification_channel_ids, null, "every channel by default");
      const channel = await api.notification.create.mutate({
        kind: "webhook",
        name: "Ops hook",
        config: { url: "http://127.0.0.1:8999/hook" },
      });
      const { html } = await get(`/app/monitors/${id}/edit`);
      assert.match(html, /Ops hook/);
      const res = await browser(
        `${server.url}/app/monitors/${id}/edit`,
        post([...monitorFields({ name: "API", interval: "custom", interval_custom: "45" }), [
          "notify",
          "chosen",
        ], ["channels", channel.id]]),
      );
      await res.body?.cancel();
      assert.equal(res.status, 303);
      const [after] = await server.services
        .sql`select notification_channel_ids from websites where id = ${id}`;
      assert.deepEqual(after.notification_channel_ids, [channel.id]);
      const edit = await get(`/app/monitors/${id}/edit`);
      assert.ok(
        new RegExp(`value="${channel.id}"[^>]*checked|checked[^>]*value="${channel.id}"`).test(
          edit.html,
        ),
      );
    });

    await t.step("pause and resume ask first, then act", async () => {
      const ask = await get(`/app/monitors/${id}/pause`);
      assert.match(ask.html, /Pause API\?/);
      assert.match(ask.html, /<button[^>]*>Pause monitor<\/button>/);
      const [before] = await server.services.sql`select active from websites where id = ${id}`;
      assert.equal(before.active, true, "asking changed nothing");
      const pause = await browser(`${server.url}/app/monitors/${id}/pause`, post([]));
      await pause.body?.cancel();
      const told = await get(pause.headers.get("location")!);
      assert.match(told.html, /Monitor paused\. No checks run until you resume it\./);
      const [paused] = await server.services.sql`select active from websites where id = ${id}`;
      assert.equal(paused.active, false);
      const list = await get("/app?status=paused");
      assert.match(list.html, new RegExp(`data-monitor="${id}" data-status="paused"`));
      const resume = await browser(`${server.url}/app/monitors/${id}/resume`, post([]));
      await resume.body?.cancel();
      assert.match((await get(resume.headers.get("location")!)).html, /Monitor resumed\./);
      const [resumed] = await server.services.sql`select active from websites where id = ${id}`;
      assert.equal(resumed.active, true);
    });

    await t.step("a heartbeat monitor is added without a URL, a TCP one with tcp://", async () => {
      const heartbeat = await browser(
        `${server.url}/app/monitors/new`,
        post([
          ...monitorFields({
            type: "heartbeat",
            url: "",
            name: "Nightly backup",
            heartbeat_grace: "120",
          }),
        ]),
      );
      const page = await heartbeat.text();
      assert.equal(heartbeat.status, 303, page.match(/⚠[^<]*/g)?.join(" | "));
      const added = await get(heartbeat.headers.get("location")!);
      assert.match(added.html, /It is up once your job calls the address below\./);
      const [beat] = await server.services.sql`
        select type, heartbeat_grace_seconds from websites where name = 'Nightly backup'`;
      assert.equal(beat.type, "heartbeat");
      assert.equal(beat.heartbeat_grace_seconds, 120);
      const tcp = await browser(
        `${server.url}/app/monitors/new`,
        post(monitorFields({ type: "tcp", url: "tcp://127.0.0.1:5432", name: "Database port" })),
      );
      await tcp.body?.cancel();
      assert.equal(tcp.status, 303);
      const [port] = await server.services
        .sql`select type, url from websites where name = 'Database port'`;
      assert.equal(port.type, "tcp");
      const list = await get("/app");
      assert.match(list.html, />TCP 127\.0\.0\.1:5432<\/span>/);
      assert.match(list.html, />Heartbeat<\/span>/);
      // Its one chip in the list, as on its page, is its last beat: no region of ours.
      assert.match(list.html, /aria-label="Last beat: no data"/);
      assert.match(added.html, /aria-label="Last beat: no beats yet"/);
      const wrong = await browser(
        `${server.url}/app/monitors/new`,
        post(monitorFields({ type: "tcp", url: "https://example.com/" })),
      );
      assert.equal(wrong.status, 400);
      assert.match(await wrong.text(), /id="url-error"/);
    });

    await t.step(
      "Duplicate opens the add form filled as the monitor, and adds a second one",
      async () => {
        await api.website.update.mutate({ id, remindEveryMinutes: 60 });
        const { html } = await get(`/app/monitors/${id}`);
        assert.match(
          html,
          new RegExp(`<a [^>]*href="/app/monitors/new\\?copy=${id}"[^>]*>Duplicate</a>`),
        );
        const copy = await get(`/app/monitors/new?copy=${id}`);
        assert.equal(copy.status, 200);
        assert.match(copy.html, /A copy of API, with all its settings/);
        assert.match(
          copy.html,
          /name="name"[^>]*value="Copy of API"|value="Copy of API"[^>]*name="name"/,
        );
        assert.match(copy.html, /value="Bearer s3cret"/, "its headers too");
        assert.match(copy.html, /<option[^>]*selected[^>]*>Every hour</, "and its reminders");
        const res = await browser(
          `${server.url}/app/monitors/new`,
          post(monitorFields({ name: "Copy of API", interval: "custom", interval_custom: "45" })),
        );
        await res.body?.cancel();
        assert.equal(res.status, 303);
        const rows = await server.services.sql`select name from websites order by created_at`;
        assert.ok(
          rows.some((row) => row.name === "API") && rows.some((r) => r.name === "Copy of API"),
        );
        const missing = await browser(`${server.url}/app/monitors/new?copy=${crypto.randomUUID()}`);
        await missing.body?.cancel();
        assert.equal(missing.status, 404);
      },
    );

    await t.step("another user's monitor is a 404 page", async () => {
      const other = await server.user("other");
      for (
        const path of [
          `/app/monitors/${id}/edit`,
          `/app/monitors/${id}/delete`,
          `/app/monitors/new?copy=${id}`,
        ]
      ) {
        const res = await other.fetch(`${server.url}${path}`);
        await res.body?.cancel();
        assert.equal(res.status, 404, path);
      }
      const res = await other.fetch(`${server.url}/app/monitors/${id}/delete`, post([]));
      await res.body?.cancel();
      assert.equal(res.status, 404);
      const [row] = await server.services.sql`select id from websites where id = ${id}`;
      assert.ok(row, "still there");
    });

    await t.step("delete asks first, then removes it", async () => {
      const ask = await get(`/app/monitors/${id}/delete`);
      assert.match(ask.html, /This cannot be undone/);
      const res = await browser(`${server.url}/app/monitors/${id}/delete`, post([]));
      await res.body?.cancel();
      assert.equal(res.headers.get("location"), "/app?notice=deleted");
      const list = await get("/app?notice=deleted");
      assert.match(list.html, /The monitor was deleted/);
      assert.ok(!list.html.includes(`data-monitor="${id}"`), "the deleted monitor is gone");
    });
  } finally {
    await server.close();
  }
});
