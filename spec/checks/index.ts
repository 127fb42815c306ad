/**
 * Every semantic rule, in the order they run (the pipeline as data). Each rule lives in
 * its own file and only reports; none changes the model.
 */
import type { Check } from '../model.js';
import { arrayStride } from './array-stride.js';
import { descriptorAlignment } from './descriptor-alignment.js';
import { descriptorBounds } from './descriptor-bounds.js';
import { descriptorLayouts } from './descriptor-layouts.js';
import { descriptorOverlap } from './descriptor-overlap.js';
import { deviceIds } from './device-ids.js';
import { duplicateAssign } from './duplicate-assign.js';
import { duplicateNames } from './duplicate-names.js';
import { enumFit } from './enum-fit.js';
import { fieldBounds } from './field-bounds.js';
import { fieldOverlap } from './field-overlap.js';
import { modifyReadClear } from './modify-read-clear.js';
import { modifyWriteOneClear } from './modify-write-one-clear.js';
import { noDevice } from './no-device.js';
import { postClearsDone } from './post-clears-done.js';
import { postFieldSize } from './post-field-size.js';
import { registerAlignment } from './register-alignment.js';
import { registerBar } from './register-bar.js';
import { registerOverlap } from './register-overlap.js';
import { registerSpace } from './register-space.js';
import { resetFit } from './reset-fit.js';
import { ringAlign } from './ring-align.js';
import { ringBuffer } from './ring-buffer.js';
import { ringCount } from './ring-count.js';
import { ringFormats } from './ring-formats.js';
import { ringLengthCapacity } from './ring-length-capacity.js';
import { ringOwnership } from './ring-ownership.js';
import { ringProps } from './ring-props.js';
import { ringRegisterAccess } from './ring-register-access.js';
import { ringRegisterNames } from './ring-register-names.js';
import { selfClearingReadonly } from './self-clearing-readonly.js';
import { sequenceCalls } from './sequence-calls.js';
import { sequenceIndex } from './sequence-index.js';
import { sequenceParams } from './sequence-params.js';
import { sequenceReadsWriteonly } from './sequence-reads-writeonly.js';
import { sequenceValueFit } from './sequence-value-fit.js';
import { sequenceWait } from './sequence-wait.js';
import { sequenceWritesReadonly } from './sequence-writes-readonly.js';
import { splitWidth } from './split-width.js';
import { txReport } from './tx-report.js';
import { unusedFieldsets } from './unused-fieldsets.js';

export const CHECKS: readonly Check[] = [
  noDevice,
  duplicateNames,
  unusedFieldsets,
  deviceIds,
  // layout
  registerOverlap,
  registerAlignment,
  registerBar,
  registerSpace,
  arrayStride,
  splitWidth,
  fieldBounds,
  fieldOverlap,
  resetFit,
  enumFit,
  descriptorBounds,
  descriptorOverlap,
  descriptorAlignment,
  descriptorLayouts,
  // access
  selfClearingReadonly,
  // rings
  ringProps,
  ringRegisterNames,
  ringRegisterAccess,
  ringOwnership,
  ringFormats,
  ringCount,
  ringLengthCapacity,
  ringAlign,
  ringBuffer,
  postFieldSize,
  postClearsDone,
  txReport,
  // sequences
  sequenceIndex,
  sequenceWritesReadonly,
  sequenceReadsWriteonly,
  modifyReadClear,
  modifyWriteOneClear,
  duplicateAssign,
  sequenceValueFit,
  sequenceWait,
  sequenceCalls,
  sequenceParams,
];
