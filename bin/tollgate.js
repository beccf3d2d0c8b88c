#!/usr/bin/env node
// The CLI is compiled to lib/ by `npm install` (the package's prepare script) and by `npm test`.
import { main } from "../lib/src/cli/main.js";

process.exitCode = await main(process.argv.slice(2));
