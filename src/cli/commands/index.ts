// The list of subcommands, in the order --help shows them.

import type { CommandSpec } from '../command';
import { apiBenchCommand } from './apibench';
import { capacityCommand } from './capacity';
import { configCommand } from './config';
import { cleanCommand, listCommand, populateCommand } from './ghosts';
import { profileCommand } from './profile';
import { reportCommand } from './report';
import { blastCommand, runCommand } from './run';
import { sampleConfigCommand } from './sample-config';
import { compareCommand, demoCommand, sandboxCommand } from './sandbox';

export const COMMANDS: CommandSpec[] = [
  runCommand,
  populateCommand,
  listCommand,
  cleanCommand,
  blastCommand,
  capacityCommand,
  profileCommand,
  reportCommand,
  sandboxCommand,
  demoCommand,
  compareCommand,
  apiBenchCommand,
  sampleConfigCommand,
  configCommand,
];
