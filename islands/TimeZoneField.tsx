/**
 * The time zone a form's local date-times are in: UTC as the server renders it (and
 * without JavaScript), the viewer's own once the browser says which that is.
 */
import { useEffect, useState } from "preact/hooks";

export default function TimeZoneField(props: { value: string }) {
  const [zone, setZone] = useState(props.value);
  useEffect(() => {
    // A zone chosen before (a form drawn again with errors) stays as it was.
    if (props.value !== "UTC") return;
    const own = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (own) setZone(own);
  }, []);
  return (
    <p id="time-zone" class="text-sm text-slate-600 dark:text-slate-400" data-testid="time-zone">
      <input type="hidden" name="timeZone" value={zone} />
      Times are in <span class="font-medium text-slate-800 dark:text-slate-200">{zone}</span>
      {zone === "UTC" ? "." : " (your browser's time zone)."}
    </p>
  );
}
