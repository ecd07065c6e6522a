/** Findings as the CLI's text renderer lays them out: severity, ID, title, subject, evidence, fix, references. */
import type { Finding, Severity } from '../../src/index.js';
import { safeHref } from './format.js';

export function SeverityBadge({ severity }: { severity: Severity | null }) {
  return <span class={`sev sev-${severity ?? 'ok'}`}>{severity ?? 'ok'}</span>;
}

export function Findings({ findings, empty }: { findings: Finding[]; empty: string }) {
  if (!findings.length) return <p class="none">{empty}</p>;
  return (
    <ol class="findings">
      {findings.map((f, i) => (
        <li key={`${f.id}-${i}`} class="finding" data-id={f.id} data-severity={f.severity}>
          <div class="finding-head">
            <SeverityBadge severity={f.severity} /> <code>{f.id}</code> <strong>{f.title}</strong>
          </div>
          <div class="subject">subject: {f.subject}</div>
          <ul class="evidence">
            {f.evidence.map((e, k) => (
              <li key={k}>{e}</li>
            ))}
          </ul>
          <p class="fix">{f.fix}</p>
          {f.refs.length > 0 && (
            <ul class="refs">
              {f.refs.map((r) => (
                <li key={r}>
                  {safeHref(r) ? (
                    <a href={safeHref(r)} rel="noopener noreferrer" target="_blank">
                      {r}
                    </a>
                  ) : (
                    r
                  )}
                </li>
              ))}
            </ul>
          )}
        </li>
      ))}
    </ol>
  );
}
