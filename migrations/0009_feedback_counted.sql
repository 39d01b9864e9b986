ALTER TABLE `feedback` ADD `counted` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `feedback` ADD `source` text;