// Curtain's OpenFeature tracking: wraps any provider (the OFREP providers of the web and server SDKs alike) so that
// `client.track(name, context?, details?)` reaches Curtain's POST /v1/track, where the event is counted toward the
// releases the user is in or out of (docs/openfeature-clients.md). Evaluation is left to the wrapped provider.

/** OpenFeature's tracking event details: an optional numeric value and any other fields. */
export interface TrackingEventDetails {
  value?: number;
  [field: string]: unknown;
}

export interface CurtainTrackingOptions {
  /** Curtain's origin, as given to the OFREP provider (https://flags.example.com) */
  baseUrl: string;
  /** the SDK key the OFREP provider uses (a client key in browsers) */
  sdkKey: string;
  fetchImplementation?: typeof fetch;
  /** called when an event could not be delivered (tracking never throws into the app); default: console.warn */
  onError?: (error: Error) => void;
}

/** What a provider of either SDK needs for tracking: OpenFeature calls `track` with the merged evaluation context. */
export type TrackingProvider = {
  track(trackingEventName: string, context: Record<string, unknown>, trackingEventDetails?: TrackingEventDetails): void;
};

/** Sends one tracking event; resolves when Curtain has answered (202) or the failure has been reported. */
export async function sendTrackingEvent(options: CurtainTrackingOptions, name: string, context: Record<string, unknown>, details?: TrackingEventDetails): Promise<void> {
  const doFetch = options.fetchImplementation ?? fetch;
  const body: Record<string, unknown> = { trackingEventName: name, context };
  // only a finite value is a measurement; any other detail is the app's own (Curtain keeps none of it)
  if (details && Object.keys(details).length) body.details = details;
  try {
    const res = await doFetch(`${options.baseUrl.replace(/\/+$/, '')}/v1/track`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${options.sdkKey}` },
      body: JSON.stringify(body),
      keepalive: true,
    });
    if (res.status !== 202) throw new Error(`Curtain refused tracking event '${name}': ${res.status} ${await res.text()}`);
  } catch (err) {
    (options.onError ?? ((e) => console.warn(e.message)))(err instanceof Error ? err : new Error(String(err)));
  }
}

/**
 * The provider, with `track` sending to Curtain (and to the provider's own `track`, if it has one). Everything else
 * is the provider's own, called on the provider itself, so its private state and events are untouched.
 */
export function withCurtainTracking<P extends object>(provider: P, options: CurtainTrackingOptions): P & TrackingProvider {
  const own = (provider as Partial<TrackingProvider>).track;
  const track: TrackingProvider['track'] = (name, context, details) => {
    own?.call(provider, name, context, details);
    void sendTrackingEvent(options, name, context ?? {}, details);
  };
  return new Proxy(provider, {
    get(target, prop) {
      if (prop === 'track') return track;
      const value = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  }) as P & TrackingProvider;
}
