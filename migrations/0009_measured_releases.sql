ALTER TABLE `feedback` ADD `counted` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `feedback` ADD `source` text;--> statement-breakpoint
ALTER TABLE `projects` ADD `stale_after_days` integer DEFAULT 14 NOT NULL;