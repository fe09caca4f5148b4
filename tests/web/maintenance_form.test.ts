/**
 * The maintenance forms: dates read in the form's time zone, never moved silently; and,
 * posted as a browser without JavaScript does, a window scheduled and changed through the
 * API's own inputs, which refuse a field they do not know.
 */
import assert from "node:assert/strict";
import { zonedTime } from "../../lib/zoned_time.ts";
import { formatLocalInput } from "../../lib/time_format.ts";
import { apiServer } from "../helpers/api.ts";
import { form } from "../helpers/forms.ts";

const HOUR = 3_600_000;

Deno.test("a form's local date-time is read in its time zone, and a time the clocks skip is refused", async () => {
  assert.equal(await zonedTime("2026-12-04T10:00", "UTC"), Date.UTC(2026, 11, 4, 10, 0));
  assert.equal(await zonedTime("2026-12-04T10:00", "Europe/Berlin"), Date.UTC(2026, 11, 4, 9, 0));
  assert.equal(
    await zonedTime("2026-07-04T10:00:30", "America/New_York"),
    Date.UTC(2026, 6, 4, 14, 0, 30),
  );
  assert.equal(await zonedTime("2026-12-04T05:30", "Asia/Kolkata"), Date.UTC(2026, 11, 4, 0, 0));
  // The night the clocks go forward in New York: 02:30 never happens.
  assert.equal(await zonedTime("2027-03-14T02:30", "America/New_York"), null);
  // The night they go back: 01:30 happens twice; the first is taken.
  assert.equal(
    await zonedTime("2026-11-01T01:30", "America/New_York"),
    Date.UTC(2026, 10, 1, 5, 30),
  );
  for (const bad of ["2026-12-04T24:00", "2026-02-30T10:00", "tomorrow", "2026-12-04 10:00", ""]) {
    assert.equal(await zonedTime(bad, "UTC"), null, bad);
  }
});

Deno.test("the schedule and edit forms save: what only the form knows (intent, time zone) stays out of the window", async () => {
  const server = await apiServer();
  try {
    const ops = await server.user("ops");
    const website = await ops.api.website.create.mutate({ url: "https://example.com/" });
    const zone = "Europe/Berlin";
    const local = (at: number) => formatLocalInput(at, zone);
    const start = Math.ceil((Date.now() + 24 * HOUR) / 60_000) * 60_000;
    const post = async (path: string, fields: Record<string, string>) => {
      const res = await ops.fetch(`${server.url}${path}`, form(fields));
      assert.equal(res.status, 303, /role="alert"[^>]*>([^<]*)/.exec(await res.text())?.[1]);
      return res.headers.get("location");
    };

    assert.equal(
      await post("/app/maintenance", {
        intent: "create",
        title: "Racks",
        message: "",
        startsAt: local(start),
        endsAt: local(start + HOUR),
        timeZone: zone,
        websiteIds: website.id,
        repeat: "day",
        times: "3",
      }),
      "/app/maintenance?done=created#notice",
    );
    const first = (await ops.api.maintenance.list.query()).find((w) => w.series?.index === 1)!;
    assert.deepEqual(
      [first.title, first.startsAt, first.endsAt, first.series?.size],
      ["Racks", start, start + HOUR, 3],
    );

    assert.equal(
      await post(`/app/maintenance/${first.id}/edit`, {
        title: "Racks, moved",
        message: "An hour later.",
        startsAt: local(start + HOUR),
        endsAt: local(start + 2 * HOUR),
        timeZone: zone,
        websiteIds: website.id,
      }),
      "/app/maintenance?done=updated#notice",
    );
    const moved = (await ops.api.maintenance.list.query()).find((w) => w.id === first.id)!;
    assert.deepEqual(
      [moved.title, moved.message, moved.startsAt, moved.endsAt],
      ["Racks, moved", "An hour later.", start + HOUR, start + 2 * HOUR],
    );
  } finally {
    await server.close();
  }
});
