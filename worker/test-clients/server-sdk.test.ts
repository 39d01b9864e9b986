// @openfeature/server-sdk + @openfeature/ofrep-provider (single-flag evaluation, dynamic context) against a
// real Curtain. Versions are pinned in package.json; quirks are written up in docs/openfeature-clients.md.
import { OFREPProvider } from '@openfeature/ofrep-provider';
import { ErrorCode, OpenFeature, StandardResolutionReasons, type Client } from '@openfeature/server-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCurtainWithFlags, recordingFetch, type Curtain, type Exchange } from './curtain';

let curtain: Curtain;
let client: Client;
const wire = recordingFetch();

/** A client in its own OpenFeature domain, wired to Curtain with `sdkKey`, exactly as an application would. */
async function clientFor(domain: string, sdkKey: string, fetchImplementation: typeof fetch = fetch): Promise<Client> {
  await OpenFeature.setProviderAndWait(
    domain,
    new OFREPProvider({ baseUrl: curtain.origin, headers: [['Authorization', `Bearer ${sdkKey}`]], fetchImplementation }),
  );
  return OpenFeature.getClient(domain);
}

/** The last response the server sent for `flagKey` through the recording client. */
function lastWire(flagKey: string): Exchange {
  const found = wire.exchanges.findLast((e) => e.url.endsWith(`/ofrep/v1/evaluate/flags/${flagKey}`));
  if (!found) throw new Error(`no request for ${flagKey} was recorded`);
  return found;
}

beforeAll(async () => {
  curtain = await startCurtainWithFlags();
  client = await clientFor('server', curtain.sdkKey, wire.fetch);
});

afterAll(async () => {
  await OpenFeature.close();
  await curtain?.stop();
});

describe('server SDK: values of every type', () => {
  const ctx = { targetingKey: 'user-1' };

  it('resolves a boolean', async () => {
    expect(await client.getBooleanValue('new-checkout', false, ctx)).toBe(true);
  });

  it('resolves a string', async () => {
    expect(await client.getStringValue('banner-text', 'code default', ctx)).toBe('Welcome');
  });

  it('resolves an integer through getNumberValue', async () => {
    expect(await client.getNumberValue('max-items', -1, ctx)).toBe(50);
  });

  it('resolves a float through getNumberValue', async () => {
    expect(await client.getNumberValue('discount-rate', -1, ctx)).toBe(0.05);
  });

  it('resolves an object', async () => {
    expect(await client.getObjectValue('theme', {}, ctx)).toEqual({ mode: 'dark', accent: '#0af', radius: 4 });
  });

  it('sends the key as a Bearer token and the context in the body, to <baseUrl>/ofrep/v1/evaluate/flags/<key>', async () => {
    await client.getBooleanValue('new-checkout', false, { targetingKey: 'user-9', plan: 'pro' });
    const sent = lastWire('new-checkout');
    expect(sent.method).toBe('POST');
    expect(sent.url).toBe(`${curtain.origin}/ofrep/v1/evaluate/flags/new-checkout`);
    expect(sent.requestHeaders.get('authorization')).toBe(`Bearer ${curtain.sdkKey}`);
    expect(JSON.parse(sent.requestBody)).toEqual({ context: { targetingKey: 'user-9', plan: 'pro' } });
  });
});

describe('server SDK: evaluation details', () => {
  it('carries reason, variant and flag metadata (flag metadata merged over flag-set metadata)', async () => {
    const details = await client.getObjectDetails('theme', {}, { targetingKey: 'user-1' });
    expect(details).toMatchObject({
      flagKey: 'theme',
      value: { mode: 'dark', accent: '#0af', radius: 4 },
      variant: 'dark',
      reason: StandardResolutionReasons.STATIC,
      flagMetadata: { team: 'interop', owner: 'web-team', ticket: 42 },
    });
    expect(details.errorCode).toBeUndefined();
  });

  it('reports DEFAULT when targeting runs and falls through, TARGETING_MATCH when a context attribute matches', async () => {
    const free = await client.getStringDetails('banner-text', 'code default', { targetingKey: 'user-1', plan: 'free' });
    expect(free).toMatchObject({ value: 'Welcome', variant: 'plain', reason: StandardResolutionReasons.DEFAULT });
    const pro = await client.getStringDetails('banner-text', 'code default', { targetingKey: 'user-1', plan: 'pro' });
    expect(pro).toMatchObject({ value: 'Welcome back, pro', variant: 'pro', reason: StandardResolutionReasons.TARGETING_MATCH });
  });

  it('splits targeting keys between both variants with reason SPLIT, stably per key', async () => {
    const seen = new Map<string, string>();
    for (let i = 0; i < 24; i++) {
      const d = await client.getStringDetails('checkout-split', 'code default', { targetingKey: `visitor-${i}` });
      expect(d.reason).toBe(StandardResolutionReasons.SPLIT);
      expect(d.variant).toBe(d.value);
      seen.set(`visitor-${i}`, d.value);
    }
    expect(new Set(seen.values())).toEqual(new Set(['control', 'treatment']));
    for (const [key, value] of [...seen].slice(0, 5)) {
      expect(await client.getStringValue('checkout-split', 'code default', { targetingKey: key })).toBe(value);
    }
  });
});

describe('server SDK: the code default', () => {
  // Curtain answers a disabled flag, and a flag whose default variant is null, with 200 and no `value`
  // (OFREP's codeDefaultFlag). ofrep-provider 0.1.3 (ofrep-core 0.1.x) only accepts a 200 that has a
  // `value`, so it throws "does not match the expected format" and the SDK reports GENERAL/ERROR. The
  // application still gets its code default, which is what matters; the reason is lost. If a provider
  // upgrade makes these assertions fail, update docs/openfeature-clients.md (quirk S1) and the assertions.
  it('serves the code default for a disabled flag (server says DISABLED; provider 0.1.3 reports GENERAL)', async () => {
    const details = await client.getBooleanDetails('retired', false, { targetingKey: 'user-1' });
    expect(details.value).toBe(false);
    const sent = lastWire('retired');
    expect(sent.status).toBe(200);
    expect(JSON.parse(sent.responseBody)).toEqual({ key: 'retired', reason: 'DISABLED', metadata: { team: 'interop' } });
    expect(details).toMatchObject({ reason: StandardResolutionReasons.ERROR, errorCode: ErrorCode.GENERAL });
    expect(details.errorMessage).toMatch(/expected format/);
  });

  it('serves the code default for a flag whose default variant is null (server says DEFAULT without value)', async () => {
    const details = await client.getBooleanDetails('code-default', false, { targetingKey: 'user-1' });
    expect(details.value).toBe(false);
    const sent = lastWire('code-default');
    expect(sent.status).toBe(200);
    const body = JSON.parse(sent.responseBody);
    expect(body).toMatchObject({ key: 'code-default', reason: 'DEFAULT' });
    expect(body).not.toHaveProperty('value');
    expect(details).toMatchObject({ reason: StandardResolutionReasons.ERROR, errorCode: ErrorCode.GENERAL });
    // and the same code default comes back whatever default the code passes
    expect(await client.getBooleanValue('code-default', true, { targetingKey: 'user-1' })).toBe(true);
  });
});

describe('server SDK: errors', () => {
  it('a missing flag gives the code default with FLAG_NOT_FOUND', async () => {
    const details = await client.getStringDetails('no-such-flag', 'fallback', { targetingKey: 'user-1' });
    expect(details).toMatchObject({ value: 'fallback', reason: StandardResolutionReasons.ERROR, errorCode: ErrorCode.FLAG_NOT_FOUND });
    expect(lastWire('no-such-flag').status).toBe(404);
  });

  it('a split flag without targetingKey gives the code default with TARGETING_KEY_MISSING', async () => {
    const details = await client.getStringDetails('checkout-split', 'fallback', { plan: 'pro' });
    expect(details).toMatchObject({ value: 'fallback', reason: StandardResolutionReasons.ERROR, errorCode: ErrorCode.TARGETING_KEY_MISSING });
    expect(lastWire('checkout-split').status).toBe(400);
    // flags that do not bucket by targetingKey still evaluate without one
    expect(await client.getBooleanValue('new-checkout', false, { plan: 'pro' })).toBe(true);
  });

  it('a type mismatch gives the code default with TYPE_MISMATCH', async () => {
    const details = await client.getNumberDetails('banner-text', 7, { targetingKey: 'user-1' });
    expect(details).toMatchObject({ value: 7, reason: StandardResolutionReasons.ERROR, errorCode: ErrorCode.TYPE_MISMATCH });
  });

  it('a revoked key: evaluations fail (401) and the code default is served', async () => {
    const key = await curtain.createKey('server');
    const recorded = recordingFetch();
    const revocable = await clientFor('revocable', key.secret, recorded.fetch);
    expect(await revocable.getBooleanValue('new-checkout', false, { targetingKey: 'user-1' })).toBe(true);
    await curtain.revokeKey(key.id);
    const details = await revocable.getBooleanDetails('new-checkout', false, { targetingKey: 'user-1' });
    expect(details.value).toBe(false);
    expect(details.reason).toBe(StandardResolutionReasons.ERROR);
    expect(details.errorCode).toBe(ErrorCode.GENERAL);
    expect(recorded.exchanges.map((e) => e.status)).toEqual([200, 401]);
  });

  it('a client key sees client-visible flags only; the others are FLAG_NOT_FOUND', async () => {
    const key = await curtain.createKey('client');
    const browserish = await clientFor('client-key', key.secret);
    expect(await browserish.getStringValue('banner-text', 'fallback', { targetingKey: 'user-1', plan: 'pro' })).toBe('Welcome back, pro');
    const hidden = await browserish.getBooleanDetails('server-only', false, { targetingKey: 'user-1' });
    expect(hidden).toMatchObject({ value: false, errorCode: ErrorCode.FLAG_NOT_FOUND });
    // …while the server key does see it
    expect(await client.getBooleanValue('server-only', false, { targetingKey: 'user-1' })).toBe(true);
  });
});

describe('server SDK: changes', () => {
  it('sees a change made through the admin API on the next evaluation (no caching in the server provider)', async () => {
    expect(await client.getNumberValue('max-items', -1, { targetingKey: 'user-1' })).toBe(50);
    await curtain.changeFlag('max-items', { defaultVariant: 'few' });
    expect(await client.getNumberValue('max-items', -1, { targetingKey: 'user-1' })).toBe(5);
    await curtain.changeFlag('max-items', { state: 'DISABLED' });
    expect(await client.getNumberValue('max-items', -1, { targetingKey: 'user-1' })).toBe(-1);
    await curtain.changeFlag('max-items', { state: 'ENABLED', defaultVariant: 'many' });
    expect(await client.getNumberValue('max-items', -1, { targetingKey: 'user-1' })).toBe(50);
  });
});
