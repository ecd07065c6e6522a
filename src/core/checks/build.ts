import { type CheckInput, setting } from '../facts/target.js';
import type { Checks } from './check.js';

/** How the binary was built, from its build info alone (GR-BUILD-*; rules.ts has each rule). */
export const buildChecks = {
  'GR-BUILD-001': ({ binary: r }) =>
    setting(r, '-race') === 'true' ? { title: 'Built with the race detector', evidence: ['build setting -race=true'] } : null,

  'GR-BUILD-002': ({ binary: r }) => {
    const goos = setting(r, 'GOOS');
    const format = r.file.format;
    if (!((goos && goos !== 'linux') || (!goos && format !== 'elf'))) return null;
    return {
      title: `Built for ${goos ?? format.toUpperCase()}, not Linux`,
      evidence: [goos ? `build setting GOOS=${goos}` : `file format ${format}`, `file ${format} ${r.file.arch}`],
    };
  },
} satisfies Checks<CheckInput>;
