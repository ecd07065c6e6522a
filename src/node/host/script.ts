/**
 * The POSIX sh collector that `goready host --script` prints and `--ssh` runs: collector.sh, kept
 * as a real file next to this module (the build copies it into dist/), so shellcheck lints it and
 * the tests run it as it ships. It produces the same snapshot as the Node collector (collect.ts)
 * for machines without Node; see the file's header for what it needs and how it reads.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const SCRIPT_PATH = fileURLToPath(new URL('./collector.sh', import.meta.url));

/** The text of collector.sh. */
export const HOST_SCRIPT: string = readFileSync(SCRIPT_PATH, 'utf8');
