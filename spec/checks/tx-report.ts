/**
 * A tx ring learns a slot is done from a status bit the device writes back, and the
 * device writes it back only for descriptors that ask (8254x: DD only when cmd.RS is set,
 * SDM 3.3.3.1; QEMU behaves the same). NDL410: such a ring must name its `report` bit;
 * NDL409: its `on post` must set that bit, or no slot would ever complete.
 */
import { diag } from '../../dsl/diagnostics.js';
import type { Check } from '../model.js';

export const txReport: Check = {
  name: 'tx-report',
  run(ctx) {
    for (const ring of ctx.model.rings) {
      if (ring.ir.direction !== 'tx' || !ring.done) continue;
      const done = `${ring.done.ir.field}.${ring.done.ir.bit}`;
      if (!ring.report) {
        if (!ring.node.props.some((p) => p.kind === 'report'))
          ctx.report(
            diag(
              'NDL410',
              ring.done.node.loc,
              { ring: ring.ir.name, done },
              { hint: 'add e.g. `report cmd.RS`' },
            ),
          );
        continue;
      }
      const rep = ring.report.ir;
      const assign = ring.post.find((p) => p.ir.offset === rep.offset && p.ir.type === rep.type);
      const sets =
        assign?.ir.source === 'const' &&
        assign.ir.value !== undefined &&
        (BigInt(assign.ir.value) & BigInt(rep.mask)) === BigInt(rep.mask);
      if (sets) continue;
      const postNode = ring.node.props.find((p) => p.kind === 'post');
      const span = assign?.node.value.loc ?? postNode?.loc ?? ring.node.name.loc;
      ctx.report(
        diag(
          'NDL409',
          span,
          { ring: ring.ir.name, done, report: `${rep.field}.${rep.bit}` },
          {
            notes: [
              {
                message: `'${rep.field}.${rep.bit}' is declared the report bit here`,
                span: ring.report.node.loc,
              },
            ],
            hint: `set it in 'on post', e.g. '${rep.field} = … | ${rep.bit}'`,
          },
        ),
      );
    }
  },
};
