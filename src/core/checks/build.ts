import type { InspectReport } from '../facts/binary.js';
import type { Finding } from './finding.js';

/**
 * Checks of how the binary was built, from its build info alone.
 *   GR-BUILD-001  a -race binary (not for production)
 *   GR-BUILD-002  built for another GOOS than Linux
 */
export function buildChecks(r: InspectReport): Finding[] {
  const out: Finding[] = [];
  const setting = (k: string) => r.buildInfo?.settings.find((s) => s.key === k)?.value;
  if (setting('-race') === 'true') {
    out.push({
      id: 'GR-BUILD-001',
      severity: 'high',
      title: 'Built with the race detector',
      subject: r.path,
      evidence: ['build setting -race=true'],
      fix: 'Build release binaries without -race: the race detector costs 5–10× memory and 2–20× CPU and, before Go 1.20, aborts the process past 8128 simultaneously alive goroutines.',
      refs: ['https://go.dev/doc/articles/race_detector#Runtime_Overheads'],
    });
  }
  const goos = setting('GOOS');
  const format = r.file.format;
  if ((goos && goos !== 'linux') || (!goos && format !== 'elf')) {
    out.push({
      id: 'GR-BUILD-002',
      severity: 'fatal',
      title: `Built for ${goos ?? format.toUpperCase()}, not Linux`,
      subject: r.path,
      evidence: [goos ? `build setting GOOS=${goos}` : `file format ${format}`, `file ${format} ${r.file.arch}`],
      fix: 'Build with GOOS=linux and the target GOARCH.',
      refs: ['https://go.dev/doc/install/source#environment'],
    });
  }
  return out;
}
