/**
 * The one rule for an email address we send to (alert channels, status-page subscribers):
 * a local part and a domain, with nothing that could split a header or a recipient list.
 */
export const EMAIL_ADDRESS = /^[^\s@<>,;"]{1,64}@[^\s@<>,;"]{1,255}$/;
