// Standard output and error that survive their reader: a closed pipe (`| head -3`, a tee
// killed by the same Ctrl-C) or a hung-up terminal makes writes no-ops instead of crashing
// the process, and a closed stdout asks the run to stop and clean up like a signal would.

type Closed = (stream: 'stdout' | 'stderr') => void;

const closed = { stdout: false, stderr: false };
let guarded = false;
let onStdoutClosed: Closed = () => undefined;

function guard(name: 'stdout' | 'stderr', stream: NodeJS.WriteStream): void {
  stream.on('error', () => {
    if (closed[name]) return;
    closed[name] = true;
    if (name === 'stdout') onStdoutClosed(name);
  });
}

/** Installs the error handlers once; `whenStdoutCloses` runs on the first failed stdout write. */
export function guardStdio(whenStdoutCloses: Closed): void {
  onStdoutClosed = whenStdoutCloses;
  if (guarded) return;
  guarded = true;
  guard('stdout', process.stdout);
  guard('stderr', process.stderr);
}

/** A message for the operator: stderr while it is open, else stdout while that is open. */
export function say(text: string): void {
  if (!closed.stderr) process.stderr.write(text);
  else if (!closed.stdout) process.stdout.write(text);
}
