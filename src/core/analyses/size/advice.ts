import type { Finding } from '../../checks/finding.js';
import { sizeFindings } from '../../checks/registry.js';
import type { SizeFacts } from '../../facts/size.js';
import type { SizeAdvice } from './model.js';

/** The size rules' findings in the shape of the report's `advice`: only advice that applies. */
export function sizeAdvice(facts: SizeFacts): SizeAdvice[] {
  return sizeFindings(facts).map(toAdvice);
}

function toAdvice(f: Finding): SizeAdvice {
  return { id: f.id, title: f.title, savingsBytes: f.savingsBytes ?? 0, detail: f.evidence.join('; ') };
}
