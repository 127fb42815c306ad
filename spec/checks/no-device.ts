/** NDL010 (warning): a file with no device block is a library: checked, but no IR comes out. */
import { diag } from '../../dsl/diagnostics.js';
import type { Check } from '../model.js';

export const noDevice: Check = {
  name: 'no-device',
  run(ctx) {
    if (ctx.model.device) return;
    const span = { file: ctx.model.file, line: 1, col: 1, endLine: 1, endCol: 1, start: 0, end: 0 };
    ctx.report(diag('NDL010', span));
  },
};
