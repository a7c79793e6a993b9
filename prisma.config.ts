import { defineConfig } from "prisma/config";

// Prisma 7 takes the database URL from here, not from schema.prisma. `env("DATABASE_URL")` would throw
// when the variable is unset and so break `prisma generate` on a machine without a database: read
// process.env directly instead. `prisma migrate deploy` needs DATABASE_URL set.
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "" },
});
