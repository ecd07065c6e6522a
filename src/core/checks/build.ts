import { type CheckInput, setting } from '../facts/target.js';
import type { Checks } from './check.js';
import { RULES } from './rules.js';

/** How the binary was built, from its build info alone (GR-BUILD-*; rules.ts has each rule). */
export const buildChecks = {
  'GR-BUILD-001': ({ binary: r }) =>
    setting(r, '-race') === 'true' ? { title: 'Built with the race detector', evidence: ['build setting -race=true'] } : null,

  'GR-BUILD-002': ({ binary: r }) => {
    const goos = setting(r, 'GOOS');
    const format = r.file.format;
    if (!((goos && goos !== 'linux') || (!goos && format !== 'elf'))) return null;
    return {
      title: `Built for ${goos ?? FORMAT_OS[format] ?? format}, not Linux`,
      evidence: [goos ? `build setting GOOS=${goos}` : `file format ${format}`, `file ${format} ${r.file.arch}`],
    };
  },

  'GR-BUILD-003': ({ binary: r }) =>
    r.go.isGo
      ? null
      : {
          evidence: [
            `${r.file.format} ${r.file.arch}: no Go build info, no Go version string and no pclntab`,
            `rules run: ${RULES.filter((x) => x.command === 'check' && 'anyBinary' in x && x.id !== 'GR-BUILD-003')
              .map((x) => x.id)
              .join(', ')}`,
          ],
        },
} satisfies Checks<CheckInput>;

/** The OS a file format says when no GOOS is recorded. */
const FORMAT_OS: Record<string, string> = { macho: 'macOS (Mach-O)', pe: 'Windows (PE)' };
