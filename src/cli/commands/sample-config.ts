// `stresshm sample-config`: prints the sample stresshm.conf generated from the option table.

import { sampleConfig } from '../../config/sample';
import type { CommandSpec } from '../command';

export const sampleConfigCommand: CommandSpec = {
  name: 'sample-config',
  summary: 'Print a sample stresshm.conf with every option, its help and default.',
  usage: 'stresshm sample-config > stresshm.conf',
  flags: [],
  async run(ctx) {
    ctx.out.write(sampleConfig());
    return 0;
  },
};
