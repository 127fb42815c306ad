/**
 * NDL418: `on post` must clear the done bit. The device sets it when it finishes a slot
 * and never clears it; a slot posted again without clearing it would look finished at
 * once, before the device has touched it.
 */
import { diag } from '../../dsl/diagnostics.js';
import { WIDTH_BITS } from '../lower/context.js';
import type { Check } from '../model.js';
import { BITS_PER_BYTE } from './util.js';

const ON_POST = 'on post';

export const postClearsDone: Check = {
  name: 'post-clears-done',
  run(ctx) {
    for (const ring of ctx.model.rings) {
      const done = ring.done;
      const postNode = ring.node.props.find((p) => p.kind === 'post');
      if (!done || !postNode) continue;
      const lo = done.ir.offset * BITS_PER_BYTE + done.bit.ir.lsb;
      const hi = done.ir.offset * BITS_PER_BYTE + done.bit.ir.msb;
      const cleared = ring.post.some((p) => {
        const start = p.ir.offset * BITS_PER_BYTE;
        const end = start + WIDTH_BITS[p.ir.type];
        if (lo < start || hi >= end) return false;
        if (p.ir.source !== 'const' || p.ir.value === undefined) return false;
        const mask = ((1n << BigInt(hi - lo + 1)) - 1n) << BigInt(lo - start);
        return (BigInt(p.ir.value) & mask) === 0n;
      });
      if (!cleared) {
        const name = `${done.ir.field}.${done.ir.bit}`;
        const onPost = {
          ...postNode.loc,
          endLine: postNode.loc.line,
          endCol: postNode.loc.col + ON_POST.length,
          end: postNode.loc.start + ON_POST.length,
        };
        ctx.report(
          diag(
            'NDL418',
            onPost,
            { ring: ring.ir.name, done: name },
            { hint: `add '${done.ir.field} = 0' to 'on post'` },
          ),
        );
      }
    }
  },
};
