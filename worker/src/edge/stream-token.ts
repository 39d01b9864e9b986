// Change-stream URLs carry a token derived from the SDK key's stored hash: EventSource cannot send
// headers, the key itself must never sit in a URL, and revoking the key invalidates the token.
import { digestsEqual, sha256Hex } from '../auth/secrets';
import type { Snapshot } from '../snapshot/format';

export async function streamToken(snapshot: Snapshot, keyId: string): Promise<string> {
  const entry = snapshot.sdkKeys[keyId];
  return entry ? (await sha256Hex(`stream:${snapshot.environmentId}:${entry.hash}`)).slice(0, 32) : '';
}

export async function validStreamToken(snapshot: Snapshot, keyId: string, token: string): Promise<boolean> {
  const expected = await streamToken(snapshot, keyId);
  return expected !== '' && digestsEqual(expected, token);
}
