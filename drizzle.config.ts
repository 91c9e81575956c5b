import { defineConfig } from 'drizzle-kit';

// Migrations are generated here and committed; PGlite and PostgreSQL apply the same folder.
export default defineConfig({
  dialect: 'postgresql',
  schema: './db/schema.ts',
  out: './db/migrations',
});
