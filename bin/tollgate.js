#!/usr/bin/env node
// The CLI is compiled to lib/ and bundled to lib/bundle/cli/ by `npm install` (the package's prepare
// script) and by `npm test`; see scripts/bundle-cli.ts for why it is bundled.
import { main } from "../lib/bundle/cli/main.js";

process.exitCode = await main(process.argv.slice(2));
