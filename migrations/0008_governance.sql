CREATE TABLE `change_requests` (
	`id` text PRIMARY KEY NOT NULL,
	`project_id` text NOT NULL,
	`environment_id` text,
	`kind` text NOT NULL,
	`summary` text NOT NULL,
	`operation` text NOT NULL,
	`base` text,
	`base_tag` text NOT NULL,
	`state` text DEFAULT 'open' NOT NULL,
	`required_approvals` integer NOT NULL,
	`approvals` text DEFAULT '[]' NOT NULL,
	`rejection` text,
	`author_id` text,
	`author_name` text NOT NULL,
	`applied_by` text,
	`apply_id` text,
	`applied_audit_id` integer,
	`applied_at` integer,
	`expires_at` integer NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer NOT NULL,
	`revision` integer DEFAULT 0 NOT NULL,
	FOREIGN KEY (`project_id`) REFERENCES `projects`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`environment_id`) REFERENCES `environments`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `change_requests_project_state` ON `change_requests` (`project_id`,`state`,`created_at`);--> statement-breakpoint
CREATE TABLE `people` (
	`id` text PRIMARY KEY NOT NULL,
	`email` text NOT NULL,
	`name` text DEFAULT '' NOT NULL,
	`grants` text DEFAULT '[]' NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `people_email_unique` ON `people` (`email`);--> statement-breakpoint
CREATE TABLE `webhook_cursor` (
	`id` integer PRIMARY KEY NOT NULL,
	`audit_id` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `webhook_deliveries` (
	`id` text PRIMARY KEY NOT NULL,
	`webhook_id` text NOT NULL,
	`event` text NOT NULL,
	`audit_id` integer,
	`payload` text NOT NULL,
	`state` text DEFAULT 'pending' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`last_status` integer,
	`last_error` text,
	`queued_at` integer,
	`created_at` integer NOT NULL,
	`delivered_at` integer,
	FOREIGN KEY (`webhook_id`) REFERENCES `webhooks`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `webhook_deliveries_webhook_created` ON `webhook_deliveries` (`webhook_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `webhook_deliveries_state` ON `webhook_deliveries` (`state`,`queued_at`);--> statement-breakpoint
CREATE TABLE `webhooks` (
	`id` text PRIMARY KEY NOT NULL,
	`project_id` text NOT NULL,
	`url` text NOT NULL,
	`events` text NOT NULL,
	`format` text DEFAULT 'standard' NOT NULL,
	`secret` text NOT NULL,
	`created_by` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`disabled_at` integer,
	FOREIGN KEY (`project_id`) REFERENCES `projects`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `webhooks_project` ON `webhooks` (`project_id`);--> statement-breakpoint
ALTER TABLE `admin_tokens` ADD `role` text DEFAULT 'admin' NOT NULL;--> statement-breakpoint
ALTER TABLE `admin_tokens` ADD `projects` text;--> statement-breakpoint
ALTER TABLE `admin_tokens` ADD `environments` text;--> statement-breakpoint
ALTER TABLE `admin_tokens` ADD `expires_at` integer;--> statement-breakpoint
ALTER TABLE `admin_tokens` ADD `created_by` text;--> statement-breakpoint
ALTER TABLE `audit_log` ADD `review` text;--> statement-breakpoint
ALTER TABLE `environments` ADD `required_approvals` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
-- Applying a change request is one batch with the change itself: the change's audit entries carry the request (review),
-- and this trigger, on the first of them, refuses the batch unless the request is still as the apply read it (open, at
-- that revision: not edited, rejected or applied meanwhile), then marks it applied and records the apply, in the same
-- transaction. Later entries of the same batch carry the same apply id. (Hand-written: drizzle-kit does not make triggers.)
CREATE TRIGGER `change_request_applied` AFTER INSERT ON `audit_log`
WHEN NEW.`review` IS NOT NULL
BEGIN
	SELECT RAISE(ABORT, 'change_request_not_applicable') WHERE NOT EXISTS (
		SELECT 1 FROM `change_requests` WHERE `id` = json_extract(NEW.`review`, '$.changeRequest') AND (
			(`state` = 'open' AND `revision` = json_extract(NEW.`review`, '$.revision')) OR
			(`state` = 'applied' AND `apply_id` = json_extract(NEW.`review`, '$.applyId'))));
	INSERT INTO `audit_log` (`at`, `actor`, `actor_id`, `action`, `project_id`, `environment_id`, `resource`, `after`, `flags`)
		SELECT NEW.`at`, json_extract(NEW.`review`, '$.appliedBy.name'), json_extract(NEW.`review`, '$.appliedBy.id'), 'change-request.apply',
			cr.`project_id`, cr.`environment_id`, 'projects/' || p.`key` || '/change-requests/' || cr.`id`,
			json_object('id', cr.`id`, 'kind', cr.`kind`, 'summary', cr.`summary`, 'appliedEntry', NEW.`id`), NEW.`flags`
		FROM `change_requests` cr JOIN `projects` p ON p.`id` = cr.`project_id`
		WHERE cr.`id` = json_extract(NEW.`review`, '$.changeRequest') AND cr.`state` = 'open';
	UPDATE `change_requests` SET `state` = 'applied', `apply_id` = json_extract(NEW.`review`, '$.applyId'), `applied_audit_id` = NEW.`id`,
		`applied_at` = NEW.`at`, `applied_by` = json_extract(NEW.`review`, '$.appliedBy'), `updated_at` = NEW.`at`, `revision` = `revision` + 1
		WHERE `id` = json_extract(NEW.`review`, '$.changeRequest') AND `state` = 'open';
END;
