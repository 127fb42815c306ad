/** nicdl's library entry: the IR and the runtime interfaces. */
export * as ir from './spec/ir.js';
export * from './runtime/types.js';
export * from './spec/errors.js';
