// A Keystone v3 session for api-bench: POST /v3/auth/tokens with the resolved credentials,
// the token from X-Subject-Token, the load-balancer endpoint from the token's catalog (region,
// interface), and a new token before the current one expires or after the API refuses it.
// Errors are one line and never carry the password, the token or a credential secret.

import { type CloudAuth, secretsOf } from '../config/cloudauth';
import { EnvError, printable, UsageError } from '../errors';

interface CatalogEndpoint {
  interface?: string;
  region?: string;
  region_id?: string;
  url?: string;
}

interface CatalogEntry {
  type?: string;
  endpoints?: CatalogEndpoint[];
}

interface Issued {
  token: string;
  expiresAt: number;
  issuedAt: number;
  catalog: CatalogEntry[];
}

/** The tokens URL for an auth_url given with or without its /v3. */
export function tokensUrl(authUrl: string): string {
  const base = authUrl.replace(/\/+$/, '');
  if (/\/v2\.0$/.test(base)) throw new UsageError(`auth_url ${printable(base)} is Keystone v2.0; give the v3 one`);
  return `${/\/v3$/.test(base) ? base : `${base}/v3`}/auth/tokens`;
}

const domain = (name?: string, id?: string) => (id ? { id } : name ? { name } : { id: 'default' });

/** The JSON body of POST /v3/auth/tokens for these credentials. */
export function authBody(a: CloudAuth): unknown {
  const user = a.userId ? { id: a.userId } : { name: a.username, domain: domain(a.userDomainName, a.userDomainId) };
  if (a.method === 'application_credential') {
    const cred = a.appCredId
      ? { id: a.appCredId, secret: a.appCredSecret }
      : { name: a.appCredName, secret: a.appCredSecret, user };
    return { auth: { identity: { methods: ['application_credential'], application_credential: cred } } };
  }
  const identity = { methods: ['password'], password: { user: { ...user, password: a.password } } };
  const project = a.projectId
    ? { id: a.projectId }
    : a.projectName
      ? { name: a.projectName, domain: domain(a.projectDomainName, a.projectDomainId) }
      : undefined;
  return { auth: { identity, ...(project ? { scope: { project } } : {}) } };
}

/** The load-balancer service's URL in a catalog, for an interface and optionally a region. */
export function findEndpoint(catalog: CatalogEntry[], iface: string, region?: string): string {
  const eps = catalog
    .filter((s) => s.type === 'load-balancer')
    .flatMap((s) => s.endpoints ?? [])
    .filter((e) => e.interface === iface && e.url);
  const inRegion = region ? eps.filter((e) => e.region_id === region || e.region === region) : eps;
  if (!eps.length) throw new EnvError(`the Keystone catalog has no load-balancer endpoint (interface ${iface})`);
  if (!inRegion.length)
    throw new EnvError(`the Keystone catalog has no load-balancer endpoint in region ${printable(region ?? '')}`);
  const regions = new Set(inRegion.map((e) => e.region_id ?? e.region));
  if (regions.size > 1)
    throw new UsageError(`the load-balancer service is in several regions (${[...regions].join(', ')}); give one`);
  return inRegion[0].url!.replace(/\/+$/, '');
}

export class KeystoneSession {
  private issued?: Issued;
  /** Tokens obtained after the first one (expiry or a refused token). */
  renewals = 0;
  private readonly url: string;

  constructor(readonly auth: CloudAuth) {
    if (!['public', 'internal', 'admin'].includes(auth.interface))
      throw new UsageError(`interface ${printable(auth.interface)} is not public, internal or admin`);
    this.url = tokensUrl(auth.authUrl);
  }

  /** Blanks every secret we know from a text that is about to be shown. */
  private clean(text: string): string {
    let t = text;
    for (const s of [...secretsOf(this.auth), this.issued?.token ?? '']) if (s) t = t.split(s).join('***');
    return printable(t);
  }

  private async issue(): Promise<Issued> {
    let r: Response;
    try {
      r = await fetch(this.url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify(authBody(this.auth)),
        signal: AbortSignal.timeout(30000),
      });
    } catch (e) {
      const cause = (e as { cause?: { code?: string } }).cause?.code ?? (e as Error).message;
      throw new EnvError(this.clean(`Keystone at ${this.url} does not answer (${this.auth.source}): ${cause}`));
    }
    const body = (await r.json().catch(() => ({}))) as {
      token?: { expires_at?: string; issued_at?: string; catalog?: CatalogEntry[] };
      error?: { message?: string };
    };
    if (r.status === 401) {
      const who = this.auth.method === 'password' ? 'user, password or project' : 'application credential';
      throw new EnvError(
        this.clean(`Keystone at ${this.url} refused the ${who} of ${this.auth.source} (401 Unauthorized)`),
      );
    }
    const token = r.headers.get('x-subject-token');
    if (r.status !== 201 || !token || !body.token) {
      const why = body.error?.message ? `: ${body.error.message.slice(0, 200)}` : '';
      throw new EnvError(this.clean(`Keystone at ${this.url} answered ${r.status} to a token request${why}`));
    }
    const now = Date.now();
    const expiresAt = Date.parse(body.token.expires_at ?? '') || now + 3600_000;
    const issuedAt = Date.parse(body.token.issued_at ?? '') || now;
    return { token, expiresAt, issuedAt, catalog: body.token.catalog ?? [] };
  }

  /** A valid token: the current one, or a new one when it is within min(30 s, a quarter of its life) of expiry. */
  async token(): Promise<string> {
    const i = this.issued;
    if (i) {
      const margin = Math.min(30_000, (i.expiresAt - i.issuedAt) / 4);
      if (Date.now() < i.expiresAt - margin) return i.token;
    }
    return this.renew();
  }

  /** Obtains a new token (the first one, or after expiry or a refusal). */
  async renew(): Promise<string> {
    const had = this.issued !== undefined;
    this.issued = await this.issue();
    if (had) this.renewals++;
    return this.issued.token;
  }

  /** The load-balancer endpoint from the catalog of the current token. */
  async endpoint(): Promise<string> {
    if (!this.issued) await this.renew();
    const cat = this.issued!.catalog;
    if (!cat.length) throw new EnvError(`the token of ${this.auth.source} has no catalog: give a project to scope it`);
    return findEndpoint(cat, this.auth.interface, this.auth.regionName);
  }
}
