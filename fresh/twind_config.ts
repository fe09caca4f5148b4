import { defineConfig, type TwindConfig } from "@twind/core";
import presetTailwind from "@twind/preset-tailwind";

/** Tailwind preset; used on the server and shipped to the client runtime. */
// Widened to the base type so apps can pass their own config in its place.
export default defineConfig({ presets: [presetTailwind()] }) as unknown as TwindConfig;
