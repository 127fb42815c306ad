/** NDL407: count limits that contradict each other (min > max, default outside, not whole steps). */
import { diag } from '../../dsl/diagnostics.js';
import type { Check } from '../model.js';

export const ringCount: Check = {
  name: 'ring-count',
  run(ctx) {
    for (const ring of ctx.model.rings) {
      const c = ring.ir.count;
      const node = ring.node.props.find((p) => p.kind === 'count');
      if (!c || !node || node.kind !== 'count') continue;
      const report = (span: typeof node.loc, problem: string) =>
        ctx.report(diag('NDL407', span, { ring: ring.ir.name, problem }));
      if (c.min < 1) report(node.min.loc, `the minimum must be at least 1, not ${c.min}`);
      else if (c.min > c.max)
        report(node.max.loc, `the maximum ${c.max} is below the minimum ${c.min}`);
      else if (c.step < 1)
        report((node.step ?? node.min).loc, `the step must be at least 1, not ${c.step}`);
      else if (c.min % c.step !== 0)
        report(node.min.loc, `the minimum ${c.min} is not a multiple of the step ${c.step}`);
      else if (c.max % c.step !== 0)
        report(node.max.loc, `the maximum ${c.max} is not a multiple of the step ${c.step}`);
      else if (c.default < c.min || c.default > c.max)
        report(
          (node.default ?? node).loc,
          `the default ${c.default} is outside ${c.min} .. ${c.max}`,
        );
      else if (c.default % c.step !== 0)
        report(
          (node.default ?? node).loc,
          `the default ${c.default} is not a multiple of the step ${c.step}`,
        );
    }
  },
};
