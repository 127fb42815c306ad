/**
 * NDL401: a ring head declared `owner driver`; NDL402: a tail declared `owner device`.
 * In every ring of this family the device advances the head as it consumes slots and
 * the driver advances the tail as it hands slots over; the report this project grew
 * from wrote RDH from software, racing the device.
 */
import { diag } from '../../dsl/diagnostics.js';
import type { Check } from '../model.js';

export const ringOwnership: Check = {
  name: 'ring-ownership',
  run(ctx) {
    for (const ring of ctx.model.rings) {
      for (const p of ring.node.props) {
        if (p.kind === 'head' && p.owner?.value === 'driver') {
          ctx.report(
            diag(
              'NDL401',
              p.owner.loc,
              { ring: ring.ir.name },
              {
                notes: [
                  {
                    message: `the device owns '${p.reg.name}': it advances the head as it finishes slots, and software only reads it`,
                  },
                  {
                    message:
                      'a driver that writes the head races the device: slots are lost or handed back twice (8254x SDM 3.2.6, 3.4)',
                  },
                ],
                hint: `write 'head ${p.reg.name}' (or 'head ${p.reg.name} owner device'); completion is seen from the descriptor's done bit`,
              },
            ),
          );
        }
        if (p.kind === 'tail' && p.owner?.value === 'device') {
          ctx.report(
            diag(
              'NDL402',
              p.owner.loc,
              { ring: ring.ir.name },
              {
                notes: [
                  {
                    message: `the driver owns '${p.reg.name}': writing the tail is how it hands slots to the device`,
                  },
                ],
                hint: `write 'tail ${p.reg.name}' (or 'tail ${p.reg.name} owner driver')`,
              },
            ),
          );
        }
      }
    }
  },
};
