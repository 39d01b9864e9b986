// A running release's evaluations per minute, inside and outside, for one of its flags: read with the release (the
// page reads it again every few seconds), for the last hour or since the start if later.
import type { Api, Release } from '../api';
import { exposureSeries, exposureWindow, type ExposureSeries } from '../releases/exposure-series';
import { messageOf } from './workspace.svelte';

export class ReleaseExposures {
  /** which of the release's flags is charted */
  flag = $state<string | null>(null);
  series = $state<ExposureSeries | null>(null);
  error = $state<string | null>(null);

  constructor(private readonly api: Api, readonly project: string, readonly env: string) {}

  async load(release: Release, now = Date.now()) {
    const window = exposureWindow(release.startedAt, release.endedAt ? Math.min(now, Date.parse(release.endedAt)) : now);
    const flag = this.flag && release.flags.some((f) => f.key === this.flag) ? this.flag : (release.flags[0]?.key ?? null);
    if (!window || !flag || window.to <= window.from) {
      this.series = null;
      return;
    }
    try {
      const x = await this.api.flagExposures(this.project, this.env, flag, new Date(window.from), new Date(window.to));
      this.flag = flag;
      this.series = exposureSeries(x, window.from, window.to);
      this.error = null;
    } catch (error) {
      // a server without exposures (404) charts nothing; any other failure says so beside the chart
      this.error = (error as { status?: number }).status === 404 ? null : messageOf(error);
      this.series = null;
    }
  }
}
