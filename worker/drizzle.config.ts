// drizzle-kit: generates the SQL migrations in migrations/ from worker/src/store/schema.ts.
// Paths are relative to the repository root, where `npm run db:generate` runs.
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'sqlite',
  schema: './worker/src/store/schema.ts',
  out: './migrations',
});
