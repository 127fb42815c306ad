/** Support code generated accessors, rings and sequences import through the runtime index. */
export * from './fields.js';
export * from './poll.js';
export * from './ring.js';
