export const message = "loaded on demand";
