// `curtain projects list | create` and `curtain envs list | create | protect | unprotect`: where flags live, and
// which environments hold writes for review.
import { InvalidArgumentError, type Command } from 'commander';
import { connect, withConnection, type ConnectionOpts } from './options';
import { emit, plural, table } from './output';

/** A name from a key when none is given: "checkout-service" → "Checkout service". */
const nameOf = (key: string) => (key.charAt(0).toUpperCase() + key.slice(1)).replace(/[-_.]+/g, ' ');

async function listProjects(opts: ConnectionOpts): Promise<void> {
  const { projects } = await connect(opts).call('get', '/projects');
  emit(opts, { projects }, () =>
    projects.length ? table([['KEY', 'NAME', 'CREATED'], ...projects.map((p) => [p.key, p.name, p.createdAt])]) : 'no projects: create one with `curtain projects create KEY`',
  );
}

async function createProject(key: string, opts: ConnectionOpts & { name?: string }): Promise<void> {
  const client = connect(opts);
  const project = await client.call('post', '/projects', { body: { key, name: opts.name ?? nameOf(key) } });
  emit(opts, project, () => [`created project ${project.key} ("${project.name}") with environments development, staging and production`, `  use it with --project ${project.key} or CURTAIN_PROJECT=${project.key}`]);
}

async function listEnvs(opts: ConnectionOpts): Promise<void> {
  const client = connect(opts);
  const { environments } = await client.call('get', '/projects/{project}/environments');
  emit(opts, { project: client.connection.project, environments }, () =>
    table([['KEY', 'NAME', 'VERSION', 'PROTECTED'], ...environments.map((e) => [e.key, e.name, String(e.version), e.protected ? `yes, ${plural(e.requiredApprovals, 'approval')}` : ''])]),
  );
}

/** Protection on (with how many approvals each change request needs) or off: an admin's setting. */
function protect(on: boolean) {
  return async (key: string, opts: ConnectionOpts & { approvals?: number }) => {
    const client = connect(opts);
    const env = await client.call('patch', '/projects/{project}/environments/{env}', {
      path: { env: key },
      body: on ? { protected: true, ...(opts.approvals === undefined ? {} : { requiredApprovals: opts.approvals }) } : { protected: false },
    });
    emit(opts, env, () =>
      env.protected
        ? `${env.key} is protected: a write there by anyone but an admin opens a change request that needs ${plural(env.requiredApprovals, 'approval')} by others (curtain changes list)`
        : `${env.key} is not protected: writes there apply at once`,
    );
  };
}

function approvals(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 10) throw new InvalidArgumentError(`"${value}" is not a number of approvals from 1 to 10`);
  return n;
}

async function createEnv(key: string, opts: ConnectionOpts & { name?: string }): Promise<void> {
  const client = connect(opts);
  const env = await client.call('post', '/projects/{project}/environments', { body: { key, name: opts.name ?? nameOf(key) } });
  emit(opts, env, () => [`created environment ${env.key} ("${env.name}") in project ${client.connection.project}: its flags are off until switched on there`]);
}

export function projectsCommand(program: Command): void {
  const projects = program.command('projects').description('projects: each has its own flags and environments');
  withConnection(projects.command('list').description('the projects')).action(listProjects);
  withConnection(projects.command('create').description('create a project, with environments development, staging and production').argument('<key>', 'the project key'))
    .option('--name <name>', 'a name for people (default: from the key)')
    .action(createProject);
  const envs = program.command('envs').description("environments: where a project's flags are configured and served");
  withConnection(envs.command('list').description("the project's environments")).action(listEnvs);
  withConnection(envs.command('create').description('create an environment in the project').argument('<key>', 'the environment key'))
    .option('--name <name>', 'a name for people (default: from the key)')
    .action(createEnv);
  withConnection(envs.command('protect').description('protect an environment: writes there by anyone but an admin open change requests (admins only)').argument('<key>', 'the environment key'))
    .option('--approvals <n>', 'approvals each change request needs, 1 to 10 (default: as set before, at first 1)', approvals)
    .action(protect(true));
  withConnection(envs.command('unprotect').description('lift the protection: writes apply at once (admins only)').argument('<key>', 'the environment key')).action(protect(false));
}
