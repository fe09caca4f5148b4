/** A delivery's state in words and colour: delivered, retrying / waiting, failed, not sent. */
const STYLES: Record<string, [string, string]> = {
  delivered: ["Delivered", "text-emerald-700 dark:text-emerald-400"],
  pending: ["Waiting to send", "text-amber-700 dark:text-amber-400"],
  failed: ["Failed", "text-rose-700 dark:text-rose-400"],
  skipped: ["Not sent", "text-slate-600 dark:text-slate-400"],
};

export function DeliveryStatus(props: { status: string; attempts?: number }) {
  const [label, color] = STYLES[props.status] ?? [props.status, ""];
  const retrying = props.status === "pending" && (props.attempts ?? 0) > 0;
  return <span class={`font-medium ${color}`}>{retrying ? "Retrying" : label}</span>;
}
