// The one-click switch of a flag in the list: sent at once, except where a running release owns the flag (held for
// the release's ways forward) or the environment is protected (held for a confirmation of what changes, for how many).
import type { Flag, FlagEnvironmentConfig, FlagState } from '../api';
import { owningRelease } from '../flags/release-status';
import type { Workspace } from './workspace.svelte';

type Config = Pick<FlagEnvironmentConfig, 'state' | 'defaultVariant' | 'targeting'>;

export interface ProtectedSwitch {
  flag: Flag;
  env: string;
  envName: string;
  what: string;
  before: Config;
  after: Config;
  /** the caller may not bypass the protection: the switch opens a change request */
  review: boolean;
  approvals: number;
  apply: () => Promise<void>;
}

export class FlagSwitch {
  /** a switch in a protected environment waiting for its confirmation */
  confirming = $state<ProtectedSwitch | null>(null);

  constructor(private readonly workspace: Workspace) {}

  flip(flag: Flag, env: string, enabled: boolean) {
    const config = flag.environments[env];
    if (!config) return;
    const state: FlagState = enabled ? 'ENABLED' : 'DISABLED';
    const envName = this.workspace.envName(env);
    const release = owningRelease(config);
    if (release) {
      const change = `switch it ${enabled ? 'on' : 'off'}`;
      this.workspace.releaseGuard.hold({ flag: flag.key, env, envName, release, change }, (releaseAction) =>
        this.workspace.saveConfig(flag.key, env, { state }, { releaseAction })
      );
      return;
    }
    const environment = this.workspace.environments.find((e) => e.key === env);
    if (environment?.protected) {
      const permissions = this.workspace.permissions;
      // switching a flag off is its kill switch: never held for someone who may pause, roll back and kill releases
      const review = permissions.may('configureFlag', env).held && !(state === 'DISABLED' && permissions.may('kill', env).allowed);
      const before = { state: config.state, defaultVariant: config.defaultVariant, targeting: config.targeting };
      this.confirming = {
        flag, env, envName, before, after: { ...before, state }, review, approvals: environment.requiredApprovals ?? 1,
        what: `Switch ${flag.key} ${enabled ? 'on' : 'off'}`,
        apply: async () => {
          const save = (force: boolean) => this.workspace.saveConfig(flag.key, env, { state }, { force });
          try {
            await this.workspace.dormant.run(`switching ${flag.key} on in ${envName}`, save);
          } catch (error) {
            // a release started since the list was read: its ways forward instead
            const held = { flag: flag.key, env, envName, change: `switch it ${enabled ? 'on' : 'off'}` };
            if (!this.workspace.releaseGuard.refuse(held, error, (releaseAction) => this.workspace.saveConfig(flag.key, env, { state }, { releaseAction }))) throw error;
          }
        }
      };
      return;
    }
    void this.workspace.updateInEnvironment(flag.key, { state }, env);
  }
}
