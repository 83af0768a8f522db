// Word wrap for lines printed once to a terminal (the end-of-run summary): a line wider than
// the terminal is broken at spaces, its continuation rows indented two columns past the
// line's own indent, so a figure is never split across rows. Colour sequences take no column.
// Output that is not a terminal is left alone: one fact per line, for grep.

import { stripVTControlCharacters } from 'node:util';

/** Columns a string takes on the terminal. */
export function visibleLength(s: string): number {
  return stripVTControlCharacters(s).length;
}

/** One line as rows of at most `width` columns (a single word wider than that stays whole). */
export function wrapLine(line: string, width: number): string[] {
  if (width < 20 || visibleLength(line) <= width) return [line];
  const indent = line.length - line.trimStart().length;
  const pad = ' '.repeat(Math.min(indent + 2, width >> 1));
  const rows: string[] = [];
  let row = line.slice(0, indent);
  let words = 0; // words on the current row
  for (const word of line.slice(indent).split(' ')) {
    const next = words === 0 && row.trim() === '' ? row + word : `${row} ${word}`;
    if (visibleLength(next) <= width || words === 0) {
      row = next;
      if (word !== '') words++;
    } else if (word !== '') {
      rows.push(row);
      row = pad + word;
      words = 1;
    }
  }
  rows.push(row);
  return rows;
}

/** `text` (whole lines) wrapped to `out`'s width when `out` is a terminal. */
export function fitToTerminal(out: NodeJS.WriteStream, text: string): string {
  const width = out.isTTY ? (out.columns ?? 0) : 0;
  if (!width) return text;
  return text
    .split('\n')
    .map((line) => wrapLine(line, width).join('\n'))
    .join('\n');
}
