// The drizzle handle over D1 and the shapes the store returns to routes.
import { drizzle, type DrizzleD1Database } from 'drizzle-orm/d1';
import * as schema from './schema';

export type Db = DrizzleD1Database<typeof schema>;

export function openDb(d1: D1Database): Db {
  return drizzle(d1, { schema });
}

export type ProjectRow = typeof schema.projects.$inferSelect;
export type EnvironmentRow = typeof schema.environments.$inferSelect;
export type FlagRow = typeof schema.flags.$inferSelect;
export type FlagConfigRow = typeof schema.flagConfigs.$inferSelect;
export type SdkKeyRow = typeof schema.sdkKeys.$inferSelect;
export { schema };
export type DeploymentRow = typeof schema.deployments.$inferSelect;
export type ReleaseRow = typeof schema.releases.$inferSelect;
export type FlagScheduleRow = typeof schema.flagSchedules.$inferSelect;
export type AdminTokenRow = typeof schema.adminTokens.$inferSelect;
export type PersonRow = typeof schema.people.$inferSelect;
export type ChangeRequestRow = typeof schema.changeRequests.$inferSelect;
export type WebhookRow = typeof schema.webhooks.$inferSelect;
export type WebhookDeliveryRow = typeof schema.webhookDeliveries.$inferSelect;
