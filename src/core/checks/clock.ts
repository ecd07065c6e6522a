import type { CheckInput } from '../facts/target.js';
import { type Checks, onTarget } from './check.js';

/** The clocksource behind time.Now (GR-CLOCK-*; rules.ts has each rule). */
export const clockChecks = {
  'GR-CLOCK-001': onTarget(({ target }) => {
    const { clocksource } = target.host;
    const clock = clocksource.current;
    if (!clock || !['xen', 'hpet', 'acpi_pm'].includes(clock)) return null;
    return {
      title: `Clocksource ${clock}: time.Now is a system call on ${target.name}`,
      evidence: [`${target.name}: clocksource ${clock} (available: ${clocksource.available?.join(' ') ?? 'unknown'})`],
    };
  }),
} satisfies Checks<CheckInput>;
