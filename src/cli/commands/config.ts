// `stresshm config`: prints the effective configuration (defaults, files, flags), one
// "section.name = value" a line, after type conversion and with secrets masked. Touches nothing.

import { displaySettings } from '../../config/config';
import { OPTIONS, optionKey } from '../../config/options';
import { printable } from '../../errors';
import type { CommandSpec } from '../command';

export const configCommand: CommandSpec = {
  name: 'config',
  summary: 'Print the effective configuration (files + flags), typed, secrets masked.',
  usage: 'stresshm [--config-file F ...] config [--option value ...]',
  flags: [],
  async run(ctx) {
    const shown = displaySettings(ctx.config().settings);
    for (const def of OPTIONS) {
      ctx.out.write(`${optionKey(def)} = ${printable(shown[optionKey(def)] ?? '(not set)')}\n`);
    }
    return 0;
  },
};
