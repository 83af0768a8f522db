// Placeholder: implemented by its owner.

import { CommandSpec } from '../command';
import { UsageError } from '../errors';

export const runCommand: CommandSpec = {
  name: 'run',
  summary: '(not built yet)',
  usage: 'stresshm run',
  flags: [],
  async run() {
    throw new UsageError('run is not built yet');
  },
};

export const blastCommand: CommandSpec = {
  name: 'blast',
  summary: '(not built yet)',
  usage: 'stresshm blast',
  flags: [],
  async run() {
    throw new UsageError('blast is not built yet');
  },
};
