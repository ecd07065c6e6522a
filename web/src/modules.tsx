import type { InspectReport } from '../../src/index.js';

/** A binary's modules from its build info, as `go version -m` lists them (replacements beside); NONE when it has no build info. */
export function ModulesTable({ buildInfo, none }: { buildInfo: InspectReport['buildInfo']; none: string }) {
  if (!buildInfo) return <p class="none">{none}</p>;
  return (
    <table class="grid modules">
      <thead>
        <tr>
          <th>module</th>
          <th>version</th>
          <th>replaced by</th>
        </tr>
      </thead>
      <tbody>
        {buildInfo.deps.map((d) => (
          <tr key={d.path}>
            <td>{d.path}</td>
            <td>{d.version}</td>
            <td>{d.replace ? `${d.replace.path} ${d.replace.version}` : ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
