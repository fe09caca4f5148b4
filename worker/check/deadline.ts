/**
 * A check's deadline: a signal that aborts with a "timeout" failure once `timeoutMs` has
 * passed (a nonsensical timeout is 1 ms), or at once when the outer signal (the worker
 * shutting down) aborts. `end()` clears both when the check is over.
 */
import { CheckFailure } from "../../lib/http_client/failures.ts";

export interface CheckDeadline {
  signal: AbortSignal;
  end(): void;
}

export function checkDeadline(timeoutMs: number, outer?: AbortSignal): CheckDeadline {
  const ms = Number.isFinite(timeoutMs) && timeoutMs > 0 ? timeoutMs : 1;
  const deadline = new AbortController();
  const timer = setTimeout(() => {
    deadline.abort(new CheckFailure("timeout", `timed out after ${ms} ms`));
  }, ms);
  const onOuterAbort = () => deadline.abort(new CheckFailure("timeout", "check aborted"));
  if (outer?.aborted) onOuterAbort();
  outer?.addEventListener("abort", onOuterAbort, { once: true });
  return {
    signal: deadline.signal,
    end() {
      clearTimeout(timer);
      outer?.removeEventListener("abort", onOuterAbort);
    },
  };
}
