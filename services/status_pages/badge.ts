/**
 * An SVG status badge for READMEs, shields.io-shaped: a grey label and a coloured value.
 * Every text in it is escaped; widths are estimated from the characters (Verdana 11 px
 * averages about 6.5 px per character), as shields.io does without a font at hand.
 */
import {
  MONITOR_STATUS_TEXT,
  type MonitorStatus,
  PAGE_STATUS_TEXT,
  type PageStatus,
} from "../../lib/page_status.ts";
import { BADGE_FILL } from "../../lib/status_page_style.ts";
import { escapeXml } from "../../lib/xml.ts";
import { formatUptime } from "../../lib/uptime.ts";
import type { PublicStatusPage } from "./public.ts";

export function statusBadgeSvg(
  label: string,
  status: MonitorStatus | PageStatus,
  value: string,
): string {
  const labelWidth = textWidth(label) + 12;
  const valueWidth = textWidth(value) + 12;
  const width = labelWidth + valueWidth;
  const l = escapeXml(label);
  const v = escapeXml(value);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="20" role="img" aria-label="${l}: ${v}">` +
    `<title>${l}: ${v}</title>` +
    `<clipPath id="r"><rect width="${width}" height="20" rx="3" fill="#fff"/></clipPath>` +
    `<g clip-path="url(#r)"><rect width="${labelWidth}" height="20" fill="#555"/>` +
    `<rect x="${labelWidth}" width="${valueWidth}" height="20" fill="${BADGE_FILL[status]}"/></g>` +
    `<g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" font-size="11">` +
    `<text x="${labelWidth / 2}" y="14">${l}</text>` +
    `<text x="${labelWidth + valueWidth / 2}" y="14">${v}</text></g></svg>`;
}

/** The page's badge, or one monitor's (`monitorId`); null when the page has no such monitor. */
export function pageBadge(page: PublicStatusPage, monitorId: string | null): string | null {
  if (!monitorId) {
    return statusBadgeSvg(
      page.title,
      page.overall,
      PAGE_STATUS_TEXT[page.overall].toLowerCase(),
    );
  }
  const monitor = page.monitors.find((m) => m.id === monitorId);
  if (!monitor) return null;
  const value = monitor.status === "nodata"
    ? "no data"
    : `${MONITOR_STATUS_TEXT[monitor.status].toLowerCase()} · ${formatUptime(monitor.uptime90d)}`;
  return statusBadgeSvg(monitor.name, monitor.status, value);
}

function textWidth(text: string): number {
  return Math.round([...text].length * 6.5);
}
