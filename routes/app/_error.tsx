/** Errors inside the dashboard: the same page, within its navigation. */
export { default } from "../_error.tsx";
