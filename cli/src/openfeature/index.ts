// The `curtain-cli/openfeature` entry: OpenFeature tracking for Curtain (see tracking.ts).
export { sendTrackingEvent, withCurtainTracking, type CurtainTrackingOptions, type TrackingEventDetails, type TrackingProvider } from './tracking';
