// Colour on the terminal, only where it is welcome: a TTY, no NO_COLOR (https://no-color.org),
// no --no-color, and not TERM=dumb.

export type Paint = (text: string) => string;

export interface Palette {
  red: Paint;
  green: Paint;
  yellow: Paint;
  bold: Paint;
}

const sgr =
  (code: number): Paint =>
  (t) =>
    `\x1b[${code}m${t}\x1b[0m`;
const plain: Paint = (t) => t;

export function colourWanted(stream: { isTTY?: boolean }, flag: boolean, env = process.env): boolean {
  if (!flag || !stream.isTTY) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return env.TERM !== 'dumb';
}

export function palette(on: boolean): Palette {
  return on
    ? { red: sgr(31), green: sgr(32), yellow: sgr(33), bold: sgr(1) }
    : { red: plain, green: plain, yellow: plain, bold: plain };
}

/** The verdict in its colour: kept up green, falling behind or inconclusive yellow, anything else red. */
export function paintVerdict(p: Palette, verdict: string): string {
  if (verdict === 'KEEPING UP') return p.green(verdict);
  return verdict === 'FALLING BEHIND' || verdict === 'INCONCLUSIVE' ? p.yellow(verdict) : p.red(verdict);
}
