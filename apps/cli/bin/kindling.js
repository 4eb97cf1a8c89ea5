#!/usr/bin/env node
import { main } from "../dist/cli.js";

// A reader that stops early (`kindling annotate notes.csv | head`) ends the run quietly, as Unix filters do.
process.stdout.on("error", (e) => {
  if (e.code === "EPIPE") process.exit(0);
  throw e;
});

process.exitCode = await main(process.argv);
