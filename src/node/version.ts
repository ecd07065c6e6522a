/** goready's own version, read once from its package.json (dist/node/version.js and src/node/version.ts both sit two levels below it). */
import { readFileSync } from 'node:fs';

export const VERSION: string = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
