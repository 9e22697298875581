/** drizzle-kit settings: where the schema lives and where generated SQL migrations are written. */
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './internal/db/schema.ts',
  out: './drizzle',
});
