CREATE TABLE `deployments` (
	`id` text PRIMARY KEY NOT NULL,
	`project_id` text NOT NULL,
	`environment_id` text NOT NULL,
	`version` text NOT NULL,
	`commit` text,
	`url` text,
	`actor` text NOT NULL,
	`flags` text DEFAULT '[]' NOT NULL,
	`at` integer NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`project_id`) REFERENCES `projects`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`environment_id`) REFERENCES `environments`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `deployments_environment_at` ON `deployments` (`environment_id`,`at`);--> statement-breakpoint
CREATE TABLE `flag_schedules` (
	`id` text PRIMARY KEY NOT NULL,
	`flag_id` text NOT NULL,
	`environment_id` text NOT NULL,
	`at` integer NOT NULL,
	`change` text NOT NULL,
	`created_by` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`flag_id`) REFERENCES `flags`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`environment_id`) REFERENCES `environments`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `flag_schedules_environment_at` ON `flag_schedules` (`environment_id`,`at`);--> statement-breakpoint
CREATE TABLE `release_metrics` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`release_id` text NOT NULL,
	`metric` text NOT NULL,
	`value` real NOT NULL,
	`at` integer NOT NULL,
	FOREIGN KEY (`release_id`) REFERENCES `releases`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `release_metrics_release_metric_at` ON `release_metrics` (`release_id`,`metric`,`at`);--> statement-breakpoint
CREATE TABLE `releases` (
	`id` text PRIMARY KEY NOT NULL,
	`project_id` text NOT NULL,
	`environment_id` text NOT NULL,
	`key` text NOT NULL,
	`name` text NOT NULL,
	`owner` text,
	`notes` text DEFAULT '' NOT NULL,
	`bucket_by` text DEFAULT 'targetingKey' NOT NULL,
	`salt` text NOT NULL,
	`state` text NOT NULL,
	`killed` integer DEFAULT false NOT NULL,
	`flags` text NOT NULL,
	`steps` text NOT NULL,
	`guardrails` text DEFAULT '[]' NOT NULL,
	`start_at` integer,
	`anchor_at` integer,
	`started_at` integer,
	`paused_at` integer,
	`ended_at` integer,
	`recorded_step` integer,
	`created_by` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`project_id`) REFERENCES `projects`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`environment_id`) REFERENCES `environments`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `releases_environment_key` ON `releases` (`environment_id`,`key`);--> statement-breakpoint
CREATE INDEX `releases_project` ON `releases` (`project_id`);--> statement-breakpoint
ALTER TABLE `environments` ADD `dormant_guard` integer DEFAULT true NOT NULL;