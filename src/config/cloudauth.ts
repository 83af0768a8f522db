// Keystone credentials the way the openstack CLI finds them: a named cloud (--os-cloud or
// OS_CLOUD) from the first clouds.yaml in the standard search order (merged with secure.yaml),
// or else the OS_* environment variables. Password (v3) and application credentials only.
// No message built here ever contains a password, a token or a credential secret.

import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { printable, UsageError } from '../errors';

export type AuthMethod = 'password' | 'application_credential';

export interface CloudAuth {
  /** Where the credentials came from: "cloud devstack in /etc/openstack/clouds.yaml" or "OS_* variables". */
  source: string;
  method: AuthMethod;
  authUrl: string;
  username?: string;
  userId?: string;
  password?: string;
  userDomainName?: string;
  userDomainId?: string;
  projectName?: string;
  projectId?: string;
  projectDomainName?: string;
  projectDomainId?: string;
  appCredId?: string;
  appCredName?: string;
  appCredSecret?: string;
  regionName?: string;
  /** Catalog interface: public (default), internal or admin. */
  interface: string;
}

/** The secrets of `a`, to be blanked from any text shown to the operator. */
export function secretsOf(a: CloudAuth): string[] {
  return [a.password, a.appCredSecret].filter((s): s is string => !!s);
}

type Dict = Record<string, unknown>;

const isDict = (v: unknown): v is Dict => typeof v === 'object' && v !== null && !Array.isArray(v);

/** clouds.yaml candidates in the openstack CLI's order (OS_CLIENT_CONFIG_FILE first). */
export function cloudsFiles(env: NodeJS.ProcessEnv, cwd = process.cwd(), home = homedir()): string[] {
  const dirs = [cwd, join(env.XDG_CONFIG_HOME || join(home, '.config'), 'openstack'), '/etc/openstack'];
  const names = (base: string) => dirs.flatMap((d) => [join(d, `${base}.yaml`), join(d, `${base}.yml`)]);
  return [...(env.OS_CLIENT_CONFIG_FILE ? [env.OS_CLIENT_CONFIG_FILE] : []), ...names('clouds')];
}

function secureFiles(env: NodeJS.ProcessEnv, cwd = process.cwd(), home = homedir()): string[] {
  const dirs = [cwd, join(env.XDG_CONFIG_HOME || join(home, '.config'), 'openstack'), '/etc/openstack'];
  const own = env.OS_CLIENT_SECURE_FILE ? [env.OS_CLIENT_SECURE_FILE] : [];
  return [...own, ...dirs.flatMap((d) => [join(d, 'secure.yaml'), join(d, 'secure.yml')])];
}

/** Parses a YAML file; a syntax error names the file and position only (the line may hold a secret). */
function readYaml(file: string): Dict {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${printable(file)}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  try {
    const doc: unknown = parse(text, { prettyErrors: false });
    return isDict(doc) ? doc : {};
  } catch (e) {
    const pos = (e as { linePos?: Array<{ line: number; col: number }> }).linePos?.[0];
    const where = pos ? ` at line ${pos.line}, column ${pos.col}` : '';
    throw new UsageError(`${printable(file)} is not valid YAML${where}`);
  }
}

/** Deep merge of b over a (secure.yaml over clouds.yaml). */
function merge(a: Dict, b: Dict): Dict {
  const out: Dict = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = isDict(v) && isDict(out[k]) ? merge(out[k] as Dict, v) : v;
  return out;
}

function str(d: Dict, key: string): string | undefined {
  const v = d[key];
  if (typeof v === 'string' && v !== '') return v;
  if (typeof v === 'number') return String(v);
  return undefined;
}

function methodOf(authType: string | undefined, where: string): AuthMethod {
  if (!authType || ['password', 'v3password'].includes(authType)) return 'password';
  if (['v3applicationcredential', 'application_credential'].includes(authType)) return 'application_credential';
  throw new UsageError(
    `${where}: auth_type ${printable(authType)} is not supported (password or v3applicationcredential)`,
  );
}

/** Checks that the fields the method needs are there; names what is missing. */
function complete(a: CloudAuth): CloudAuth {
  const missing: string[] = [];
  if (!a.authUrl) missing.push('auth_url');
  if (a.method === 'password') {
    if (!a.username && !a.userId) missing.push('username');
    if (a.password === undefined) missing.push('password');
  } else {
    if (!a.appCredId && !a.appCredName) missing.push('application_credential_id');
    if (a.appCredSecret === undefined) missing.push('application_credential_secret');
    if (!a.appCredId && !a.username && !a.userId) missing.push('username (with application_credential_name)');
  }
  if (missing.length) throw new UsageError(`${a.source}: no ${missing.join(', ')}`);
  if (!/^https?:\/\//.test(a.authUrl)) throw new UsageError(`${a.source}: auth_url is not an http(s) URL`);
  return a;
}

/** Credentials of the named cloud from the first clouds.yaml found. */
export function cloudFromFiles(
  name: string,
  env: NodeJS.ProcessEnv,
  opts: { regionName?: string; interface?: string; cwd?: string; home?: string } = {},
): CloudAuth {
  const file = cloudsFiles(env, opts.cwd, opts.home).find((f) => existsSync(f));
  if (!file)
    throw new UsageError(
      `no clouds.yaml found for cloud ${printable(name)} (looked in ./, ~/.config/openstack/, /etc/openstack/ ` +
        'and OS_CLIENT_CONFIG_FILE)',
    );
  const clouds = (f: string) => {
    const c = readYaml(f).clouds;
    return isDict(c) ? c : {};
  };
  const found = clouds(file)[name];
  if (!isDict(found)) throw new UsageError(`cloud ${printable(name)} is not in ${printable(file)}`);
  let cloud: Dict = found;
  const secure = secureFiles(env, opts.cwd, opts.home).find((f) => existsSync(f));
  const extra = secure ? clouds(secure)[name] : undefined;
  if (isDict(extra)) cloud = merge(cloud, extra);
  const source = `cloud ${printable(name)} in ${printable(file)}`;
  const auth = isDict(cloud.auth) ? cloud.auth : {};
  const version = str(cloud, 'identity_api_version');
  if (version && !version.startsWith('3')) throw new UsageError(`${source}: only Keystone v3 is supported`);
  return complete({
    source,
    method: methodOf(str(cloud, 'auth_type'), source),
    authUrl: str(auth, 'auth_url') ?? '',
    username: str(auth, 'username'),
    userId: str(auth, 'user_id'),
    password: str(auth, 'password'),
    userDomainName: str(auth, 'user_domain_name') ?? str(auth, 'domain_name'),
    userDomainId: str(auth, 'user_domain_id') ?? str(auth, 'domain_id'),
    projectName: str(auth, 'project_name') ?? str(auth, 'tenant_name'),
    projectId: str(auth, 'project_id') ?? str(auth, 'tenant_id'),
    projectDomainName: str(auth, 'project_domain_name') ?? str(auth, 'domain_name'),
    projectDomainId: str(auth, 'project_domain_id') ?? str(auth, 'domain_id'),
    appCredId: str(auth, 'application_credential_id'),
    appCredName: str(auth, 'application_credential_name'),
    appCredSecret: str(auth, 'application_credential_secret'),
    regionName: opts.regionName ?? str(cloud, 'region_name'),
    interface: opts.interface ?? str(cloud, 'interface') ?? 'public',
  });
}

/** Credentials from OS_AUTH_URL, OS_USERNAME, OS_PASSWORD, ... */
export function cloudFromEnv(
  env: NodeJS.ProcessEnv,
  opts: { regionName?: string; interface?: string } = {},
): CloudAuth {
  const e = (k: string) => (env[k] ? env[k] : undefined);
  const source = 'OS_* variables';
  return complete({
    source,
    method: methodOf(e('OS_AUTH_TYPE'), source),
    authUrl: e('OS_AUTH_URL') ?? '',
    username: e('OS_USERNAME'),
    userId: e('OS_USER_ID'),
    password: env.OS_PASSWORD,
    userDomainName: e('OS_USER_DOMAIN_NAME'),
    userDomainId: e('OS_USER_DOMAIN_ID'),
    projectName: e('OS_PROJECT_NAME') ?? e('OS_TENANT_NAME'),
    projectId: e('OS_PROJECT_ID') ?? e('OS_TENANT_ID'),
    projectDomainName: e('OS_PROJECT_DOMAIN_NAME'),
    projectDomainId: e('OS_PROJECT_DOMAIN_ID'),
    appCredId: e('OS_APPLICATION_CREDENTIAL_ID'),
    appCredName: e('OS_APPLICATION_CREDENTIAL_NAME'),
    appCredSecret: env.OS_APPLICATION_CREDENTIAL_SECRET,
    regionName: opts.regionName ?? e('OS_REGION_NAME'),
    interface: (opts.interface ?? e('OS_INTERFACE') ?? 'public').replace(/URL$/, ''),
  });
}

/**
 * The credentials to use, or undefined when none are given: --os-cloud, then OS_CLOUD, then
 * OS_AUTH_URL (the OS_* variables). A named cloud does not mix with OS_* variables, as in the CLI.
 */
export function resolveCloudAuth(
  env: NodeJS.ProcessEnv,
  opts: { cloud?: string; regionName?: string; interface?: string } = {},
): CloudAuth | undefined {
  const name = opts.cloud ?? (env.OS_CLOUD || undefined);
  const o = { regionName: opts.regionName, interface: opts.interface };
  if (name) return cloudFromFiles(name, env, o);
  if (env.OS_AUTH_URL) return cloudFromEnv(env, o);
  return undefined;
}
