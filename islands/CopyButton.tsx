/**
 * "Copy" beside a DNS record's name or value. The text itself is on the page and
 * selectable; without JavaScript (or a clipboard) the button is not shown at all.
 */
import { useEffect, useState } from "preact/hooks";
import { buttonClass } from "../components/ui.tsx";

interface Props {
  text: string;
  /** What is copied, for screen readers: "CNAME record value". */
  label: string;
}

async function copy(text: string): Promise<boolean> {
  if (navigator.clipboard?.writeText) {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch {
      // Refused (no permission, not focused): the older way below may still work.
    }
  }
  const area = document.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.className = "fixed left-0 top-0 opacity-0";
  document.body.append(area);
  area.select();
  const ok = document.execCommand("copy");
  area.remove();
  return ok;
}

export default function CopyButton(props: Props) {
  const [ready, setReady] = useState(false);
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  useEffect(() => setReady(true), []);
  useEffect(() => {
    if (state === "idle") return;
    const timer = setTimeout(() => setState("idle"), 2_000);
    return () => clearTimeout(timer);
  }, [state]);
  if (!ready) return null;
  return (
    <button
      type="button"
      class={buttonClass("secondary", "shrink-0 px-2 py-1 text-xs")}
      onClick={async () => setState(await copy(props.text) ? "copied" : "failed")}
    >
      <span aria-live="polite">
        {state === "copied" ? "Copied" : state === "failed" ? "Select and copy" : "Copy"}
      </span>
      <span class="sr-only">{props.label}</span>
    </button>
  );
}
