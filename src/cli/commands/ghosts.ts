// `populate`, `list` and `clean`: the ghost database commands (and the original
// --db_create_only / --clean_db flags, which the CLI routes here).

import { type CommandContext, type CommandSpec, flagStrings, flagText } from '../command';
import { FORMAT_FLAGS, formatTable, parseFormat, selectColumns } from '../format';

/** Columns of `list` (names as -c takes them). */
const LIST_COLUMNS = ['Prefix', 'Load balancers', 'Amphorae', 'Created (UTC)'];

import { type DbTarget, maskUrl, parseDbUrl } from '../../config/dburl';
import { EXIT_INTERRUPTED, InterruptedError, UsageError } from '../../errors';
import { cleanPrefix } from '../../ghostdb/clean';
import { type Conn, connect } from '../../ghostdb/db';
import { type GhostPlan, planFromConfig, planFromProfile } from '../../ghostdb/ghosts';
import { checkPlanSize } from '../../ghostdb/groups';
import { confirmTarget } from '../../ghostdb/guard';
import { listPrefixes } from '../../ghostdb/inventory';
import { holdPrefixLock, type PrefixLock } from '../../ghostdb/lock';
import { validatePrefix } from '../../ghostdb/names';
import { populate } from '../../ghostdb/populate';
import { checkPrivileges } from '../../ghostdb/privileges';
import { loadSchema, type Schema } from '../../ghostdb/schema';
import { setInterruptHint } from '../../lifecycle/interrupt';
import { Progress } from '../../terminal/progress';
import { PROFILE_FLAGS, profileChoice } from './profile';

export interface OpenDb {
  conn: Conn;
  schema: Schema;
  target: DbTarget;
}

/** Config -> URL -> connection -> schema check; every failure is one line before any write. */
export async function openOctaviaDb(ctx: CommandContext, exitCode?: number): Promise<OpenDb> {
  const cfg = ctx.config();
  const target = parseDbUrl(cfg.dbConnection);
  const conn = await connect(target, exitCode);
  try {
    return { conn, schema: await loadSchema(conn, target.database, exitCode), target };
  } catch (e) {
    await conn.end().catch(() => undefined);
    throw e;
  }
}

/** Runs `body` with the Octavia database open (see openOctaviaDb); the connection is closed after. */
export async function withOctaviaDb<T>(ctx: CommandContext, body: (db: OpenDb) => Promise<T>): Promise<T> {
  const db = await openOctaviaDb(ctx);
  try {
    return await body(db);
  } finally {
    await db.conn.end().catch(() => undefined);
  }
}

/** Shell-quotes a word when it needs it. */
const quote = (w: string) => (/^[\w@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, "'\\''")}'`);

/**
 * The exact command that removes a prefix: the same config files and database flags as this
 * one (a password given on the command line is shown masked, never printed).
 */
export function cleanCommandLine(ctx: CommandContext, prefix: string): string {
  const files = ctx.configFiles.map((f) => `--config-file ${quote(f)} `).join('');
  const db = (['octavia_db_connection', 'connection'] as const)
    .filter((k) => typeof ctx.overrides[k] === 'string')
    .map((k) => `--${k} ${quote(maskUrl(String(ctx.overrides[k])))} `)
    .join('');
  return `stresshm ${files}${db}--clean_db ${prefix}`;
}

/** Where the server has no named locks (Galera), say that a prefix in use cannot be detected. */
function noteUnlocked(ctx: CommandContext, lock: PrefixLock): void {
  if (lock.held) return;
  ctx.err.write(
    `stresshm: note: this server has no named locks (Galera?); a run still using prefix ${lock.prefix}` +
      ' cannot be detected\n',
  );
}

function printCounts(ctx: CommandContext, counts: Record<string, number>): void {
  const rows = Object.entries(counts).filter(([, n]) => n > 0);
  const width = Math.max(5, ...rows.map(([t]) => t.length));
  for (const [t, n] of rows) ctx.out.write(`  ${t.padEnd(width)} ${n.toLocaleString('en-US').padStart(12)}\n`);
}

/** The plan of populate: a profile's shapes at --scale and --seed, or the [test_params] multipliers. */
function ghostPlan(ctx: CommandContext): GhostPlan {
  const choice = profileChoice(ctx);
  if (!choice) return planFromConfig(ctx.config());
  const plan = planFromProfile(ctx.config(), choice.profile, choice.scale, choice.seed);
  const shapes = plan.shapes!.counts.filter((n) => n > 0).length;
  ctx.out.write(
    `Profile ${choice.file} at scale ${choice.scale}, seed ${choice.seed}: ` +
      `${plan.loadBalancers} load balancers in ${shapes} shapes\n`,
  );
  return plan;
}

export const populateCommand: CommandSpec = {
  name: 'populate',
  summary: 'Write ghost load balancers into the Octavia database and print the run prefix.',
  usage:
    'stresshm --config-file stresshm.conf populate [--profile FILE [--scale X] [--seed N]] [--yes]' +
    '   (or --db_create_only)',
  description:
    'Writes complete ghost load balancer graphs ([test_params] multipliers, or the shapes of a fleet\n' +
    'profile at --scale) in chunked transactions and prints "Your run prefix ID is: <prefix>" and the command\n' +
    'that removes them again.',
  flags: [...PROFILE_FLAGS],
  async run(ctx) {
    const plan = ghostPlan(ctx);
    checkPlanSize(plan);
    return withOctaviaDb(ctx, async ({ conn, schema, target }) => {
      await checkPrivileges(conn, schema, 'write');
      await confirmTarget(conn, target, 'write ghost load balancers', { yes: ctx.yes });
      noteUnlocked(ctx, await holdPrefixLock(conn, plan.prefix));
      ctx.out.write(`Your run prefix ID is: ${plan.prefix}\n`);
      setInterruptHint(() => `Remove what was written with: ${cleanCommandLine(ctx, plan.prefix)}`);
      const second = await connect(target);
      try {
        const res = await populate([conn, second], schema, plan, { progress: new Progress('populate') });
        const total = Object.values(res.counts).reduce((a, b) => a + b, 0);
        ctx.out.write(
          `Wrote ${total.toLocaleString('en-US')} rows for ${res.loadBalancers} load balancers in ` +
            `${res.seconds.toFixed(1)} s:\n`,
        );
        printCounts(ctx, res.counts);
        ctx.out.write(`Remove them with: ${cleanCommandLine(ctx, plan.prefix)}\n`);
        return 0;
      } catch (e) {
        const partial = (e as { partial?: { loadBalancers: number } }).partial;
        ctx.err.write(
          `stresshm: populate stopped after ${partial?.loadBalancers ?? 0} complete load balancers; remove ` +
            `them with: ${cleanCommandLine(ctx, plan.prefix)}\n`,
        );
        if (e instanceof InterruptedError) return EXIT_INTERRUPTED;
        throw e;
      } finally {
        await second.end().catch(() => undefined);
      }
    });
  },
};

export const cleanCommand: CommandSpec = {
  name: 'clean',
  summary: 'Remove every row of one run prefix (idempotent; prints counts per table).',
  usage: 'stresshm --config-file stresshm.conf clean PREFIX   (or --clean_db PREFIX)',
  args: ['PREFIX'],
  description:
    'Removes the ghosts of PREFIX and every row linked to them, including amphora_health and ' +
    'listener_statistics\nrows a live health manager added, children first, in chunked transactions. A ' +
    'second clean reports zero.\nA prefix a running stresshm still uses (its named lock is held) is ' +
    'refused, exit 2.',
  flags: [],
  async run(ctx) {
    const cfg = ctx.config();
    if (ctx.positional.length > 1) {
      throw new UsageError(`clean takes one PREFIX, not ${ctx.positional.length} (run it once per prefix)`);
    }
    const prefix = validatePrefix(ctx.positional[0]);
    return withOctaviaDb(ctx, async ({ conn, schema }) => {
      await checkPrivileges(conn, schema, 'clean');
      noteUnlocked(ctx, await holdPrefixLock(conn, prefix));
      const res = await cleanPrefix(conn, schema, prefix, cfg.batchSize, new Progress('clean'));
      ctx.out.write(
        `Removed ${res.total.toLocaleString('en-US')} rows of prefix ${res.prefix}` +
          `${res.total === 0 ? ' (nothing left to remove)' : ':'}\n`,
      );
      printCounts(ctx, res.counts);
      return 0;
    });
  },
};

export const listCommand: CommandSpec = {
  name: 'list',
  summary: 'Show every ghost prefix in the database with LB and amphora counts and creation time.',
  usage: 'stresshm --config-file stresshm.conf list [-f table|json|yaml|csv|value] [-c COLUMN ...]',
  flags: FORMAT_FLAGS,
  async run(ctx) {
    const format = parseFormat(flagText(ctx, 'format'));
    const wanted = flagStrings(ctx, 'column');
    selectColumns({ columns: LIST_COLUMNS, rows: [] }, wanted);
    return withOctaviaDb(ctx, async ({ conn }) => {
      const rows = await listPrefixes(conn);
      if (rows.length === 0 && format === 'table') {
        ctx.out.write('No stresshm ghosts in this database.\n');
        return 0;
      }
      const table = selectColumns(
        {
          columns: LIST_COLUMNS,
          rows: rows.map((r) => [
            r.prefix,
            r.loadBalancers,
            r.amphorae,
            r.createdAt ? r.createdAt.toISOString().replace('T', ' ').slice(0, 19) : null,
          ]),
        },
        wanted,
      );
      ctx.out.write(formatTable(table, format));
      return 0;
    });
  },
};
