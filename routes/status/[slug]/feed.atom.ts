/**
 * `/status/<slug>/feed.atom` (`/feed.atom` on the page's domain): the page's incidents as
 * an Atom feed (RFC 4287), newest first, each with the owner's updates as its content; an
 * update moves its entry's `updated`, so feed readers show it again. Empty but valid until
 * incidents are recorded.
 */
import { define } from "../../../web/define.ts";
import { escapeXml } from "../../../lib/xml.ts";
import { type PublicIncident, statusHeading } from "../../../services/status_pages/public.ts";
import { UPDATE_STATUS_WORDS } from "../../../services/incidents/updates.ts";
import { formatUtc } from "../../../lib/status_page_style.ts";
import { cacheHeaders, loadPublicPage, notModified } from "../(_components)/load_page.ts";

export const handler = define.handlers({
  async GET(ctx) {
    const { services } = ctx.state;
    const loaded = await loadPublicPage(services, ctx.req, ctx.params.slug);
    if (!loaded) {
      // Not kept: a private page's feed is there for a browser that gave its password.
      return ctx.text("No such status page", {
        status: 404,
        headers: { "cache-control": "no-store" },
      });
    }
    const headers = {
      ...cacheHeaders(services, loaded),
      "content-type": "application/atom+xml; charset=utf-8",
      "x-content-type-options": "nosniff",
    };
    if (notModified(ctx.req, loaded.etag)) return new Response(null, { status: 304, headers });
    const { page, pageUrl } = loaded;
    const feedUrl = `${pageUrl.replace(/\/$/, "")}/feed.atom`;
    const updated = Math.max(page.updatedAt, ...page.incidents.map(lastChange));
    const entries = page.incidents.map((incident) =>
      `<entry><id>urn:uuid:${escapeXml(incident.id)}</id>` +
      `<title>${escapeXml(incident.title)}</title>` +
      `<updated>${iso(lastChange(incident))}</updated>` +
      `<published>${iso(incident.startedAt)}</published>` +
      `<link rel="alternate" href="${escapeXml(pageUrl)}"/>` +
      `<summary>${
        escapeXml(incident.resolvedAt ? `Resolved at ${formatUtc(incident.resolvedAt)}` : "Ongoing")
      }</summary>` +
      (incident.updates.length
        ? `<content type="text">${escapeXml(updatesText(incident))}</content>`
        : "") +
      `</entry>`
    ).join("");
    const xml = `<?xml version="1.0" encoding="utf-8"?>` +
      `<feed xmlns="http://www.w3.org/2005/Atom">` +
      `<id>${escapeXml(feedUrl)}</id>` +
      `<title>${escapeXml(`${statusHeading(page.title)}: incidents`)}</title>` +
      `<updated>${iso(updated)}</updated>` +
      `<author><name>${escapeXml(page.title)}</name></author>` +
      `<link rel="self" href="${escapeXml(feedUrl)}"/>` +
      `<link rel="alternate" href="${escapeXml(pageUrl)}"/>` +
      entries + `</feed>`;
    return new Response(xml, { headers });
  },
});

const iso = (at: number) => new Date(at).toISOString();

/** When an incident last changed: its start, its end or its newest update. */
function lastChange(incident: PublicIncident): number {
  return Math.max(incident.resolvedAt ?? incident.startedAt, incident.updates[0]?.createdAt ?? 0);
}

/** The owner's updates, newest first, as the page shows them. */
function updatesText(incident: PublicIncident): string {
  return incident.updates.map((update) =>
    `${UPDATE_STATUS_WORDS[update.status]} (${formatUtc(update.createdAt)}): ${update.message}`
  ).join("\n\n");
}
