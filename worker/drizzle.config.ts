// drizzle-kit: generates the SQL migrations in migrations/ from worker/src/store/schema.ts.
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'sqlite',
  schema: './worker/src/store/schema.ts',
  out: './migrations',
});
