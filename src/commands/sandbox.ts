// Placeholder: implemented by its owner.

import { CommandSpec } from '../command';
import { UsageError } from '../errors';

export const sandboxCommand: CommandSpec = {
  name: 'sandbox',
  summary: '(not built yet)',
  usage: 'stresshm sandbox',
  flags: [],
  async run() {
    throw new UsageError('sandbox is not built yet');
  },
};

export const compareCommand: CommandSpec = {
  name: 'compare',
  summary: '(not built yet)',
  usage: 'stresshm compare',
  flags: [],
  async run() {
    throw new UsageError('compare is not built yet');
  },
};

export const apiBenchCommand: CommandSpec = {
  name: 'api-bench',
  summary: '(not built yet)',
  usage: 'stresshm api-bench',
  flags: [],
  async run() {
    throw new UsageError('api-bench is not built yet');
  },
};
