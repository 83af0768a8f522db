// How an asynchronous benchmark runs as a script: an error is printed whole (a stack helps
// here) and the process exits 1, so run-all counts it as failed.

export function runBench(main: () => Promise<void>): void {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
