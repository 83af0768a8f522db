// Progress reporting for long work (populate, clean): a redrawn bar with rows/s on a
// terminal, a plain line every few seconds otherwise (CI logs). Writes to stderr.

export class Progress {
  private total = 0;
  private done = 0;
  private started = 0;
  private lastPrint = 0;
  private note = '';
  private drawnAt = -1;

  constructor(
    private readonly label: string,
    private readonly stream: NodeJS.WriteStream = process.stderr,
    private readonly tty: boolean = Boolean(process.stderr.isTTY),
  ) {}

  start(total: number): void {
    this.total = total;
    this.done = 0;
    this.started = Date.now();
    this.lastPrint = 0;
  }

  advance(n: number, note = ''): void {
    this.done += n;
    this.note = note;
    const now = Date.now();
    if (this.tty ? now - this.lastPrint >= 100 : now - this.lastPrint >= 2000) {
      this.lastPrint = now;
      this.draw();
    }
  }

  rate(): number {
    const secs = (Date.now() - this.started) / 1000;
    return secs > 0 ? this.done / secs : 0;
  }

  stop(): void {
    if (this.started === 0) return;
    if (this.drawnAt !== this.done) this.draw();
    if (this.tty) this.stream.write('\n');
    this.started = 0;
  }

  private draw(): void {
    this.drawnAt = this.done;
    const share = this.total > 0 ? Math.min(1, this.done / this.total) : 1;
    const rate = Math.round(this.rate()).toLocaleString('en-US');
    const text =
      `${this.label} ${(share * 100).toFixed(0).padStart(3)}% ${this.done.toLocaleString('en-US')} rows ` +
      `${rate} rows/s ${this.note}`;
    if (this.tty) {
      const width = 24;
      const filled = Math.round(share * width);
      // cut to the terminal's width: a wrapped line would leave a stale row at every redraw
      const line = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${text}`.trimEnd();
      const cols = this.stream.columns || 80;
      this.stream.write(`\r${line.length < cols ? line : `${line.slice(0, cols - 2)}…`}\x1b[K`);
    } else {
      this.stream.write(`${text}\n`);
    }
  }
}
