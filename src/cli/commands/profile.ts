// `stresshm profile`: the fleet profile of a real Octavia database (read-only), and the
// --profile/--scale/--seed flags populate, run and capacity share.

import { writeFileSync } from 'node:fs';
import { UsageError } from '../../errors';
import { readProfile } from '../../ghostdb/profile';
import { loadProfile, profileSummary } from '../../ghostdb/profilefile';
import type { Profile } from '../../ghostdb/shapes';
import { type CommandContext, type CommandSpec, type FlagSpec, flagNumber, flagString } from '../command';
import { withOctaviaDb } from './ghosts';

export const PROFILE_FLAGS: FlagSpec[] = [
  {
    name: 'profile',
    type: 'string',
    help: 'Ghosts follow this fleet profile (from `stresshm profile`) instead of [test_params].',
  },
  {
    name: 'scale',
    type: 'float',
    min: 0.001,
    max: 100000,
    help: 'With --profile: this many times the profiled fleet (1 when not given).',
  },
  {
    name: 'seed',
    type: 'int',
    min: 0,
    max: 4294967295,
    help: 'With --profile: seed of the LB order and member statuses (1 when not given).',
  },
];

export interface ProfileChoice {
  profile: Profile;
  scale: number;
  seed: number;
  file: string;
}

/** --profile FILE [--scale X] [--seed N], or undefined without --profile (scale/seed alone are refused). */
export function profileChoice(ctx: CommandContext, scaleFlag = true): ProfileChoice | undefined {
  const file = flagString(ctx, 'profile');
  if (!file) {
    const stray = ['scale', 'seed'].find((f) => ctx.flags[f] !== undefined);
    if (stray) throw new UsageError(`--${stray} needs --profile FILE`);
    return undefined;
  }
  if (!scaleFlag && ctx.flags.scale !== undefined) {
    throw new UsageError('--scale does not apply here: capacity chooses it per step');
  }
  const scale = flagNumber(ctx, 'scale', 1);
  const seed = flagNumber(ctx, 'seed', 1);
  return { profile: loadProfile(file), scale, seed, file };
}

export const profileCommand: CommandSpec = {
  name: 'profile',
  summary: 'Write the fleet profile of the Octavia database (shapes of its live load balancers) as JSON.',
  usage: 'stresshm --config-file octavia.conf profile [-o FILE]',
  description:
    'Read-only aggregate queries over the live load balancers (not DELETED, not stresshm ghosts):\n' +
    'topology and amphorae, listeners by protocol, pools, members and their operating status shares, health\n' +
    'monitors, session persistence, L7 policies and rules. No identifier, name, address or project is written;\n' +
    'shapes of fewer than 5 LBs are merged into their nearest common shape. The summary goes to stderr.',
  flags: [{ name: 'output', type: 'string', alias: 'o', help: 'Write the profile to FILE instead of stdout.' }],
  async run(ctx) {
    const out = flagString(ctx, 'output');
    const profile = await withOctaviaDb(ctx, ({ conn, schema }) => readProfile(conn, schema));
    const json = `${JSON.stringify(profile, null, 2)}\n`;
    if (out) writeFileSync(out, json);
    else ctx.out.write(json);
    ctx.err.write(profileSummary(profile));
    if (out) ctx.err.write(`profile written to ${out}\n`);
    return 0;
  },
};
