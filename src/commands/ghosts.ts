// Placeholder: implemented by its owner.

import { CommandSpec } from '../command';
import { UsageError } from '../errors';

export const populateCommand: CommandSpec = {
  name: 'populate',
  summary: '(not built yet)',
  usage: 'stresshm populate',
  flags: [],
  async run() {
    throw new UsageError('populate is not built yet');
  },
};

export const cleanCommand: CommandSpec = {
  name: 'clean',
  summary: '(not built yet)',
  usage: 'stresshm clean',
  flags: [],
  async run() {
    throw new UsageError('clean is not built yet');
  },
};

export const listCommand: CommandSpec = {
  name: 'list',
  summary: '(not built yet)',
  usage: 'stresshm list',
  flags: [],
  async run() {
    throw new UsageError('list is not built yet');
  },
};
