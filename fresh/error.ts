const STATUS_TEXT: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  409: "Conflict",
  410: "Gone",
  413: "Payload Too Large",
  415: "Unsupported Media Type",
  422: "Unprocessable Entity",
  429: "Too Many Requests",
  500: "Internal Server Error",
  501: "Not Implemented",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

/** The reason phrase for an HTTP status, or "Error" for unusual codes. */
export function statusText(status: number): string {
  return STATUS_TEXT[status] ?? "Error";
}

/**
 * An error that carries an HTTP status. Throw it from a handler, middleware or page and
 * the `_error` page is rendered with that status; anything else thrown becomes a 500.
 *
 * ```ts
 * if (!website) throw new HttpError(404);
 * ```
 */
export class HttpError extends Error {
  /** The HTTP status the response gets. */
  readonly status: number;

  constructor(status: number, message?: string, options?: ErrorOptions) {
    super(message ?? statusText(status), options);
    this.name = "HttpError";
    this.status = status;
  }
}
