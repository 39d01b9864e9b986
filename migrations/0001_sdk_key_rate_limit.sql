ALTER TABLE `sdk_keys` ADD `rate_limit` integer;--> statement-breakpoint
-- Existing client keys (they ship in browsers) get the default client limit, server keys keep none.
UPDATE `sdk_keys` SET `rate_limit` = 1000 WHERE `kind` = 'client';
