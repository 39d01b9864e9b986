CREATE TABLE `write_guard` (
	`held` integer PRIMARY KEY NOT NULL,
	CONSTRAINT "stale_write" CHECK("write_guard"."held" = 1)
);
--> statement-breakpoint
ALTER TABLE `audit_log` ADD `actor_id` text;--> statement-breakpoint
ALTER TABLE `environments` ADD `revision` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `releases` ADD `revision` integer DEFAULT 0 NOT NULL;