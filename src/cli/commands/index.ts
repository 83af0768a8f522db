// The list of subcommands, in the order --help shows them.

import { CommandSpec } from '../command';
import { populateCommand, cleanCommand, listCommand } from './ghosts';
import { runCommand, blastCommand } from './run';
import { capacityCommand } from './capacity';
import { sandboxCommand, demoCommand, compareCommand, apiBenchCommand } from './sandbox';
import { sampleConfigCommand } from './sample-config';
import { configCommand } from './config';
import { profileCommand } from './profile';
import { reportCommand } from './report';

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
