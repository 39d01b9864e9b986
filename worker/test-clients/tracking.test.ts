// OpenFeature tracking into Curtain: the official web and server SDKs, their OFREP providers wrapped by
// withCurtainTracking (cli/src/openfeature), so that `client.track(…)` reaches POST /v1/track and is accepted.
import { OFREPProvider } from '@openfeature/ofrep-provider';
import { OFREPWebProvider } from '@openfeature/ofrep-web-provider';
import { OpenFeature as ServerFeature } from '@openfeature/server-sdk';
import { OpenFeature as WebFeature } from '@openfeature/web-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withCurtainTracking } from '../../cli/src/openfeature';
import { recordingFetch, startCurtainWithFlags, waitFor, type Curtain } from './curtain';

let curtain: Curtain;
const TRACK = '/v1/track';

beforeAll(async () => {
  curtain = await startCurtainWithFlags();
  const env = '/projects/default/environments/development';
  expect((await curtain.admin('POST', '/projects/default/flags', { key: 'tracked-checkout', clientVisible: true })).status).toBe(201);
  const guardrails = [{ kind: 'sequential', metric: 'checkout_total', measure: 'mean', direction: 'decrease' }];
  expect((await curtain.admin('POST', `${env}/releases`, { key: 'tracked', name: 'Tracked', flags: ['tracked-checkout'], plan: { steps: [{ percent: 50, holdMinutes: 60 }] }, guardrails })).status).toBe(201);
  expect((await curtain.admin('POST', `${env}/releases/tracked/start`)).status).toBe(200);
});

afterAll(async () => {
  await ServerFeature.close();
  await WebFeature.close();
  await curtain?.stop();
});

describe('client.track() reaches Curtain', () => {
  it('from the server SDK, with the invocation context and a value', async () => {
    const wire = recordingFetch();
    const errors: Error[] = [];
    const ofrep = new OFREPProvider({ baseUrl: curtain.origin, headers: [['Authorization', `Bearer ${curtain.sdkKey}`]] });
    await ServerFeature.setProviderAndWait('tracking', withCurtainTracking(ofrep, { baseUrl: curtain.origin, sdkKey: curtain.sdkKey, fetchImplementation: wire.fetch, onError: (e) => errors.push(e) }));
    const client = ServerFeature.getClient('tracking');
    // evaluation is still the OFREP provider's
    expect(await client.getBooleanValue('new-checkout', false, { targetingKey: 'user-7' })).toBe(true);
    client.track('checkout_total', { targetingKey: 'user-7', plan: 'pro' }, { value: 42.5, currency: 'EUR' });
    const sent = await waitFor('the tracking event', () => wire.exchanges.find((e) => new URL(e.url).pathname === TRACK));
    expect(sent.requestHeaders.get('authorization')).toBe(`Bearer ${curtain.sdkKey}`);
    expect(JSON.parse(sent.requestBody)).toEqual({ trackingEventName: 'checkout_total', context: { targetingKey: 'user-7', plan: 'pro' }, details: { value: 42.5, currency: 'EUR' } });
    expect([sent.status, sent.responseBody]).toEqual([202, '{}']);
    expect(errors).toEqual([]);
  });

  it('from the web SDK with a client key, with the static context', async () => {
    const clientKey = await curtain.createKey('client');
    const wire = recordingFetch();
    const errors: Error[] = [];
    const web = new OFREPWebProvider({ baseUrl: curtain.origin, headers: [['Authorization', `Bearer ${clientKey.secret}`]], pollInterval: 0 });
    await WebFeature.setProviderAndWait('tracking-web', withCurtainTracking(web, { baseUrl: curtain.origin, sdkKey: clientKey.secret, fetchImplementation: wire.fetch, onError: (e) => errors.push(e) }), { targetingKey: 'browser-1' });
    const client = WebFeature.getClient('tracking-web');
    expect(client.getBooleanValue('new-checkout', false)).toBe(true);
    client.track('checkout_error');
    const sent = await waitFor('the tracking event', () => wire.exchanges.find((e) => new URL(e.url).pathname === TRACK));
    expect(JSON.parse(sent.requestBody)).toEqual({ trackingEventName: 'checkout_error', context: { targetingKey: 'browser-1' } });
    expect(sent.status).toBe(202);
    // a refused event is reported to onError, never thrown into the app
    client.track('not a metric name!');
    await waitFor('the refusal', () => errors.length > 0);
    expect(errors[0].message).toMatch(/refused tracking event 'not a metric name!': 400/);
  });
});
