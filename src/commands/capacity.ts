// Placeholder: implemented by its owner.

import { CommandSpec } from '../command';
import { UsageError } from '../errors';

export const capacityCommand: CommandSpec = {
  name: 'capacity',
  summary: '(not built yet)',
  usage: 'stresshm capacity',
  flags: [],
  async run() {
    throw new UsageError('capacity is not built yet');
  },
};
