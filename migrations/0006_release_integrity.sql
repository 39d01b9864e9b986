ALTER TABLE `audit_log` ADD `flags` text;--> statement-breakpoint
ALTER TABLE `audit_log` ADD `revert_of` integer;--> statement-breakpoint
ALTER TABLE `environments` ADD `protected` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `releases` ADD `pauses` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
-- Production serves real users: its one-click changes ask for confirmation.
UPDATE `environments` SET `protected` = 1 WHERE `key` = 'production';--> statement-breakpoint
-- A paused release's pause so far (earlier pauses moved its anchor and are not known).
UPDATE `releases` SET `pauses` = json_array(json_object('from', `paused_at`, 'to', NULL)) WHERE `state` = 'paused' AND `paused_at` IS NOT NULL;--> statement-breakpoint
-- Each release names its flags by id as well: a flag created again under a deleted flag's key is never in it.
UPDATE `releases` SET `flags` = (
  SELECT json_group_array(json_set(f.value, '$.flagId', (SELECT fl.id FROM `flags` fl WHERE fl.project_id = `releases`.project_id AND fl.key = json_extract(f.value, '$.key'))))
  FROM json_each(`releases`.`flags`) f
);--> statement-breakpoint
-- The flag keys of each audit entry, for the history's flag filter: a flag's own changes, releases, deployments.
UPDATE `audit_log` SET `flags` = json_array(substr(`resource`, instr(`resource`, '/flags/') + 7)) WHERE `resource` LIKE 'projects/%/flags/%';--> statement-breakpoint
UPDATE `audit_log` SET `flags` = (
  SELECT json_group_array(json_extract(f.value, '$.key')) FROM json_each(coalesce(json_extract(`audit_log`.`after`, '$.flags'), json_extract(`audit_log`.`before`, '$.flags'))) f
) WHERE `action` LIKE 'release.%' AND json_type(coalesce(json_extract(`after`, '$.flags'), json_extract(`before`, '$.flags'))) = 'array';--> statement-breakpoint
UPDATE `audit_log` SET `flags` = json_extract(`after`, '$.flags') WHERE `action` = 'deployment.record' AND json_type(json_extract(`after`, '$.flags')) = 'array';--> statement-breakpoint
-- A release that has ended no longer decides at the edge: what it served is written into its flags, as every end
-- now does (released: the inside variant by default; rolled back: the outside; killed: the outside for everyone).
-- Only the newest release naming a flag in an environment decided it.
WITH `rf` AS (
  SELECT r.id AS release_id, r.environment_id AS environment_id, r.state AS state, r.killed AS killed, r.anchor_at AS anchor_at, r.created_at AS created_at,
    json_extract(f.value, '$.flagId') AS flag_id, json_extract(f.value, '$.inside') AS inside, json_extract(f.value, '$.outside') AS outside
  FROM `releases` r, json_each(r.flags) f
  WHERE r.state <> 'draft' AND json_extract(f.value, '$.flagId') IS NOT NULL
), `decided` AS (
  SELECT a.* FROM `rf` a WHERE a.state IN ('released', 'rolled_back') AND NOT EXISTS (
    SELECT 1 FROM `rf` b WHERE b.environment_id = a.environment_id AND b.flag_id = a.flag_id AND b.release_id <> a.release_id
      AND (b.anchor_at > a.anchor_at OR (b.anchor_at = a.anchor_at AND b.created_at > a.created_at))
  )
)
UPDATE `flag_configs` SET
  `default_variant` = (SELECT CASE WHEN d.state = 'released' THEN d.inside ELSE d.outside END FROM `decided` d WHERE d.flag_id = `flag_configs`.flag_id AND d.environment_id = `flag_configs`.environment_id),
  `targeting` = CASE WHEN (SELECT d.killed FROM `decided` d WHERE d.flag_id = `flag_configs`.flag_id AND d.environment_id = `flag_configs`.environment_id) = 1 THEN NULL ELSE `targeting` END
WHERE EXISTS (SELECT 1 FROM `decided` d WHERE d.flag_id = `flag_configs`.flag_id AND d.environment_id = `flag_configs`.environment_id);--> statement-breakpoint
UPDATE `environments` SET `version` = `version` + 1;
