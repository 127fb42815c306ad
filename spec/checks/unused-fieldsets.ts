/**
 * NDL114 (warning): a fieldset of the checked file that no register names. Fieldsets of
 * imported files are left alone: a library offers more than each device takes.
 */
import { diag } from '../../dsl/diagnostics.js';
import type { Check } from '../model.js';

export const unusedFieldsets: Check = {
  name: 'unused-fieldsets',
  run(ctx) {
    const seen = new Set<string>();
    for (const s of ctx.model.fieldsets) {
      const name = s.node.name.name;
      // A duplicate is NDL101's; only the first declaration is ever named.
      if (seen.has(name)) continue;
      seen.add(name);
      if (s.used || s.node.loc.file !== ctx.model.file) continue;
      ctx.report(diag('NDL114', s.node.name.loc, { name }));
    }
  },
};
