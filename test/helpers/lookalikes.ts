// Load balancer names that resemble a ghost of a prefix but are not one (case, padding, newline,
// leading zero, look-alike letters and digits): stresshm must never match, list or delete them.

/** Names that resemble a ghost of P but are not: each must be left alone and counted as real. */
export function lookAlikes(prefix: string): string[] {
  const accented = prefix.replace(/[a-f]/, (c) => ({ a: 'á', b: 'ƀ', c: 'ç', d: 'ď', e: 'é', f: 'ƒ' })[c]!);
  return [
    `${prefix.toUpperCase()}-lb1`,
    `${prefix}-LB1`,
    `${prefix}-Lb1`,
    `${prefix}-lb1\n`,
    `${prefix}-lb1 `,
    `${prefix}-lb1x`,
    `${prefix}-lb01`,
    `${prefix}-lb0`,
    `${prefix}-lb`,
    `${prefix}-lb-1`,
    `${prefix}-lb1.5`,
    ` ${prefix}-lb1`,
    `${prefix}\n-lb1`,
    `${accented}-lb1`,
    `${prefix.slice(0, 35)}-lb1`,
    `${prefix}0-lb1`,
    `x${prefix}-lb1`,
    `${prefix}-lb1\t`,
    `${prefix}-lb\u0661`,
    `${prefix}-lb1\u0000`,
    `${prefix}_lb1`,
    `${prefix}-pool1`,
  ];
}
