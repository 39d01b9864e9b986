// The release calendar being looked at: a week or a month, which environments, and the releases in it.
import type { Api, CalendarEntry } from '../api';
import { calendarDays, eventsOf, rangeOf, shift, type CalendarScale } from '../releases/calendar-grid';
import { messageOf } from './workspace.svelte';

export class ReleaseCalendar {
  scale = $state<CalendarScale>('month');
  anchor = $state(new Date());
  /** '' for every environment */
  env = $state('');
  entries = $state<CalendarEntry[]>([]);
  loading = $state(false);
  loaded = $state(false);
  error = $state<string | null>(null);

  days = $derived(calendarDays(this.scale, this.anchor));
  shown = $derived(this.entries.filter((e) => !this.env || e.environment === this.env));
  events = $derived(eventsOf(this.shown));

  #load = 0;

  constructor(private readonly api: Api, readonly project: string, private readonly environments: () => string[]) {}

  async load() {
    const id = ++this.#load;
    const { from, to } = rangeOf(this.days);
    this.loading = true;
    try {
      const entries = await this.api.calendar(this.project, this.environments(), from, to);
      if (id !== this.#load) return;
      this.entries = entries;
      this.error = null;
      this.loaded = true;
    } catch (error) {
      if (id === this.#load) this.error = messageOf(error);
    } finally {
      if (id === this.#load) this.loading = false;
    }
  }

  move(by: number) {
    this.anchor = by === 0 ? new Date() : shift(this.scale, this.anchor, by);
  }
}
