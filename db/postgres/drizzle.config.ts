// Read by drizzle-kit (`deno task db:generate`), never by the app.
export default {
  dialect: "postgresql",
  schema: "./db/postgres/schema.ts",
  out: "./db/postgres/migrations",
};
