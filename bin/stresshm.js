#!/usr/bin/env node
// Entry point installed as `stresshm`: runs the compiled CLI.
require('../dist/src/cli.js').cliMain(process.argv.slice(2));
