/**
 * A plugin with no behaviour: the twin is then just the IR's register file, its DMA
 * space and its log. Used to test register semantics against a spec, and as the
 * twin of a device nobody has written a plugin for yet (frames are dropped).
 */
import type { RxOutcome, SimContext, SimPlugin } from './plugin.js';

export class NullPlugin implements SimPlugin {
  readonly name = 'null';
  private ctx: SimContext | undefined;

  attach(ctx: SimContext): void {
    this.ctx = ctx;
  }

  powerOn(): void {}

  receive(): RxOutcome {
    this.ctx?.note('frame dropped: the null plugin has no receive path');
    return 'dropped';
  }
}
