CREATE TABLE `feed_tokens` (
	`id` text PRIMARY KEY NOT NULL,
	`project_id` text NOT NULL,
	`environment_id` text NOT NULL,
	`name` text NOT NULL,
	`token_hash` text NOT NULL,
	`prefix` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`revoked_at` integer,
	FOREIGN KEY (`project_id`) REFERENCES `projects`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`environment_id`) REFERENCES `environments`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `feed_tokens_token_hash_unique` ON `feed_tokens` (`token_hash`);--> statement-breakpoint
CREATE INDEX `feed_tokens_environment` ON `feed_tokens` (`environment_id`);--> statement-breakpoint
CREATE TABLE `feedback` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`release_id` text NOT NULL,
	`environment_id` text NOT NULL,
	`sdk_key_id` text NOT NULL,
	`user_key` text NOT NULL,
	`rating` text NOT NULL,
	`comment` text,
	`context` text NOT NULL,
	`variants` text NOT NULL,
	`inside` integer NOT NULL,
	`at` integer NOT NULL,
	FOREIGN KEY (`release_id`) REFERENCES `releases`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`environment_id`) REFERENCES `environments`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `feedback_release_at` ON `feedback` (`release_id`,`at`);--> statement-breakpoint
CREATE INDEX `feedback_release_user_at` ON `feedback` (`release_id`,`user_key`,`at`);--> statement-breakpoint
CREATE INDEX `feedback_key_at` ON `feedback` (`sdk_key_id`,`at`);