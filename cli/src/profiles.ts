// Saved connections (`curtain login`): named profiles of URL, admin token and project in one file that only its owner
// may read (0600, in a 0700 folder), used when no --url/--token or CURTAIN_URL/CURTAIN_TOKEN is given.
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { CliError, note } from './output';

export interface Profile {
  url: string;
  token: string;
  project?: string;
}

export interface ProfileFile {
  /** the profile used when none is named */
  default?: string;
  profiles: Record<string, Profile>;
}

/** CURTAIN_CONFIG, else $XDG_CONFIG_HOME/curtain/config.json, else ~/.config/curtain/config.json. */
export function profilePath(): string {
  if (process.env.CURTAIN_CONFIG) return process.env.CURTAIN_CONFIG;
  const base = process.env.XDG_CONFIG_HOME || join(homedir(), '.config');
  return join(base, 'curtain', 'config.json');
}

export function readProfiles(): ProfileFile {
  const file = profilePath();
  if (!existsSync(file)) return { profiles: {} };
  // Like ssh: a token file others can read is said to be one (on systems with POSIX modes).
  if (process.platform !== 'win32' && (statSync(file).mode & 0o077) !== 0) note(`curtain: warning: ${file} can be read by other users: chmod 600 ${file}`);
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<ProfileFile>;
    return { default: parsed.default, profiles: parsed.profiles ?? {} };
  } catch (error) {
    throw new CliError(`${file} is not valid JSON (${(error as Error).message}): fix it, or remove it and run \`curtain login\` again`);
  }
}

export function writeProfiles(content: ProfileFile): string {
  const file = profilePath();
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, JSON.stringify(content, null, 2) + '\n', { mode: 0o600 });
  chmodSync(file, 0o600); // writeFileSync's mode applies only when it creates the file
  return file;
}

/** The profile to use: the one named (--profile / CURTAIN_PROFILE), else the default one, else none. */
export function chooseProfile(name: string | undefined): { name: string; profile: Profile } | null {
  const content = readProfiles();
  const chosen = name ?? content.default;
  if (!chosen) return null;
  const profile = content.profiles[chosen];
  if (profile) return { name: chosen, profile };
  if (!name) return null; // a default that was removed by hand: as if there were none
  const known = Object.keys(content.profiles);
  throw new CliError(
    `no profile "${name}" in ${profilePath()}: ${known.length ? `the profiles are ${known.join(', ')}` : 'there are none yet'}\n  → save it with \`curtain login --profile ${name} --url URL\``,
    2,
    { code: 'USAGE' },
  );
}
