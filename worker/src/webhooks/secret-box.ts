// Webhook signing secrets at rest: HMAC needs the secret itself, so it cannot be stored hashed like tokens; it is sealed
// with AES-GCM under a key derived (HKDF) from the WEBHOOK_SECRETS_KEY secret, so that a copy of the database alone
// does not give anyone the power to sign. Without that secret (local development) the admin token's secret is used,
// and without either a fixed development key (docs/deploy.md: set WEBHOOK_SECRETS_KEY in production).
import type { Bindings } from '../bindings';

const encoder = new TextEncoder();
const PREFIX = 'sealed:v1:';
const DEVELOPMENT_KEY = 'curtain-local-development-webhook-key';

const toBase64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
const fromBase64 = (text: string) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));

async function sealingKey(env: Pick<Bindings, 'WEBHOOK_SECRETS_KEY' | 'CURTAIN_ADMIN_TOKEN'>): Promise<CryptoKey> {
  const material = env.WEBHOOK_SECRETS_KEY || env.CURTAIN_ADMIN_TOKEN || DEVELOPMENT_KEY;
  const base = await crypto.subtle.importKey('raw', encoder.encode(material), 'HKDF', false, ['deriveKey']);
  return crypto.subtle.deriveKey({ name: 'HKDF', hash: 'SHA-256', salt: encoder.encode('curtain'), info: encoder.encode('webhook secrets v1') }, base, { name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
}

/** The secret as stored: `sealed:v1:` + the IV and the ciphertext, in base64. */
export async function seal(env: Pick<Bindings, 'WEBHOOK_SECRETS_KEY' | 'CURTAIN_ADMIN_TOKEN'>, secret: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const sealed = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, await sealingKey(env), encoder.encode(secret)));
  return `${PREFIX}${toBase64(iv)}:${toBase64(sealed)}`;
}

/** The secret back; throws when it was sealed under another key (the key changed: subscribe again). */
export async function unseal(env: Pick<Bindings, 'WEBHOOK_SECRETS_KEY' | 'CURTAIN_ADMIN_TOKEN'>, stored: string): Promise<string> {
  if (!stored.startsWith(PREFIX)) return stored;
  const [iv, sealed] = stored.slice(PREFIX.length).split(':');
  try {
    const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: fromBase64(iv) }, await sealingKey(env), fromBase64(sealed));
    return new TextDecoder().decode(plain);
  } catch {
    throw new Error('the signing secret was sealed under another WEBHOOK_SECRETS_KEY: create the subscription again');
  }
}
