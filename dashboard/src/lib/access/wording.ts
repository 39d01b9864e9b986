// Governance in words: what a protected environment means for the caller, and a change request's state and progress.
import type { ChangeRequest } from '../api-types-governance';
import type { Check } from './permissions';

const approvals = (n: number) => `${n} approval${n === 1 ? '' : 's'}`;

/** The lock's tooltip: protected, and what that means for the caller's changes there. */
export function protectedTitle(env: { name: string; requiredApprovals?: number }, check: Check): string {
  if (!check.allowed) return `${env.name} is protected`;
  if (check.held) return `${env.name} is protected: your changes there wait for ${approvals(env.requiredApprovals ?? 1)} by someone else`;
  return `${env.name} is protected: as an admin there, your changes apply at once, after a confirmation`;
}

/** "1 of 2 approvals", "approved", "applied by maya", … */
export function requestProgress(r: ChangeRequest): string {
  switch (r.state) {
    case 'open': return `${r.approvals.length} of ${approvals(r.requiredApprovals)}`;
    case 'approved': return `approved (${r.approvals.length} of ${r.requiredApprovals}): ready to apply`;
    case 'applied': return `applied by ${r.appliedBy?.name ?? 'someone'}`;
    case 'rejected': return `rejected by ${r.rejection?.name ?? 'someone'}${r.rejection?.comment ? `: “${r.rejection.comment}”` : ''}`;
    case 'expired': return 'expired: never applied';
  }
}

/** Why the caller may not approve a request (null: they may), beyond what their role allows. */
export function whyNotApprove(r: ChangeRequest, callerId: string | null): string | null {
  if (r.state !== 'open' && r.state !== 'approved') return `It is ${r.state}.`;
  if (callerId !== null && r.author.id === callerId) return 'You made this request: someone else approves it.';
  if (callerId !== null && r.approvals.some((a) => a.id === callerId)) return 'You approved it already.';
  return null;
}

/** A grant in words: "editor in default (staging only)", "admin everywhere". */
export function grantText(g: { role: string; projects: string[] | null; environments: string[] | null }): string {
  const where = g.projects === null ? 'in every project' : `in ${g.projects.join(', ')}`;
  return `${g.role} ${where}${g.environments ? ` (${g.environments.join(', ')} only; reads the rest)` : ''}`;
}
