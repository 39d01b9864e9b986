// The people who sign in through Cloudflare Access, with their roles: listed, added, their role changed, removed.
import type { Api, Person, PersonInput, Role } from '../api';
import { attempt } from './attempt';

export class People {
  people = $state<Person[]>([]);
  loaded = $state(false);
  pending = $state(false);
  error = $state<string | null>(null);

  constructor(private readonly api: Api) {}

  load() {
    return attempt(this, 'pending', 'error', async () => {
      this.people = await this.api.people();
      this.loaded = true;
    });
  }

  add(input: PersonInput) {
    return attempt(this, 'pending', 'error', async () => {
      const person = await this.api.addPerson(input);
      this.people = [...this.people, person].sort((a, b) => a.email.localeCompare(b.email));
    });
  }

  /** Sets the person's role in `project` ('' for none), keeping their grants elsewhere. */
  setRole(person: Person, role: Role | '', project: string) {
    const others = person.grants.filter((g) => !(g.projects?.length === 1 && g.projects[0] === project));
    const kept = others.map((g) => ({ role: g.role, ...(g.projects ? { projects: g.projects } : {}), ...(g.environments ? { environments: g.environments } : {}) }));
    const grants = role ? [...kept, { role, projects: [project] }] : kept;
    return attempt(this, 'pending', 'error', async () => {
      const updated = await this.api.updatePerson(person.id, { grants });
      this.people = this.people.map((p) => (p.id === updated.id ? updated : p));
    });
  }

  remove(person: Person) {
    return attempt(this, 'pending', 'error', async () => {
      await this.api.removePerson(person.id);
      this.people = this.people.filter((p) => p.id !== person.id);
    });
  }
}
