// The list of subcommands, in the order --help shows them.

import { CommandSpec } from '../command';
import { populateCommand, cleanCommand, listCommand } from './ghosts';
import { runCommand, blastCommand } from './run';
import { capacityCommand } from './capacity';
import { sandboxCommand, demoCommand, compareCommand, apiBenchCommand } from './sandbox';
import { sampleConfigCommand } from './sample-config';
import { configCommand } from './config';
import { reportCommand } from './report';

export const COMMANDS: CommandSpec[] = [
  runCommand,
  populateCommand,
  listCommand,
  cleanCommand,
  blastCommand,
  capacityCommand,
  reportCommand,
  sandboxCommand,
  demoCommand,
  compareCommand,
  apiBenchCommand,
  sampleConfigCommand,
  configCommand,
];
