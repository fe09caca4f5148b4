/**
 * Rewrites every server-written `<time data-local>` into the viewer's time zone, and
 * keeps relative ones ("12 s ago") ticking, including ones other islands add later.
 * Renders nothing itself.
 */
import { useEffect } from "preact/hooks";
import { formatDateTime, formatRelative } from "../lib/time_format.ts";

export default function LocalTimes() {
  useEffect(() => {
    const update = () => {
      for (const el of document.querySelectorAll<HTMLTimeElement>("time[data-local]")) {
        const at = Date.parse(el.dateTime);
        if (Number.isNaN(at)) continue;
        const kind = el.dataset.local;
        const text = kind === "relative"
          ? formatRelative(at)
          : formatDateTime(at, undefined, kind === "seconds");
        if (el.textContent !== text) el.textContent = text;
        const title = formatDateTime(at, undefined, true);
        if (el.title !== title) el.title = title;
      }
    };
    update();
    const timer = setInterval(update, 1_000);
    return () => clearInterval(timer);
  }, []);
  return null;
}
