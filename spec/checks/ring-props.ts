/** NDL413: a ring property every ring needs is missing; NDL414: a property given twice. */
import type { RingPropKind } from '../../dsl/ast.js';
import { diag } from '../../dsl/diagnostics.js';
import type { Check } from '../model.js';

const REQUIRED: Array<[RingPropKind, string]> = [
  ['direction', 'direction'],
  ['base', 'base'],
  ['length', 'length'],
  ['head', 'head'],
  ['tail', 'tail'],
  ['count', 'count'],
  ['buffer', 'buffer'],
  ['complete', 'complete'],
  ['post', 'on post'],
];

export const ringProps: Check = {
  name: 'ring-props',
  run(ctx) {
    for (const ring of ctx.model.rings) {
      const seen = new Map<RingPropKind, boolean>();
      for (const p of ring.node.props) {
        if (seen.has(p.kind))
          ctx.report(
            diag('NDL414', p.loc, {
              ring: ring.ir.name,
              property: p.kind === 'post' ? 'on post' : p.kind,
            }),
          );
        seen.set(p.kind, true);
      }
      for (const [kind, word] of REQUIRED) {
        if (!seen.has(kind))
          ctx.report(diag('NDL413', ring.node.name.loc, { ring: ring.ir.name, property: word }));
      }
      const complete = ring.node.props.find((p) => p.kind === 'complete');
      if (
        complete &&
        complete.kind === 'complete' &&
        !complete.entries.some((e) => e.key.name === 'done')
      ) {
        ctx.report(
          diag('NDL413', complete.loc, {
            ring: ring.ir.name,
            property: 'complete { done = FIELD.BIT }',
          }),
        );
      }
    }
  },
};
