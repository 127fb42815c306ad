/** The device twin: IR register semantics + a behaviour plugin + checked DMA + event log. */
export { openSimDevice, SimDevice, type SimDeviceOptions } from './device.js';
export type {
  SimPlugin,
  SimContext,
  RxOutcome,
  ReadHandler,
  WriteHandler,
  WriteWatcher,
} from './plugin.js';
export { NullPlugin } from './null-plugin.js';
export { SimClock, type ClockMode } from './clock.js';
export {
  EventLog,
  type SimEvent,
  type SimEventKind,
  type EventLogOptions,
  type DmaDirection,
} from './event-log.js';
export { IovaSpace, type MappedRegion } from './iova-space.js';
export { SimDmaAllocator, SimDmaRegion, SIM_IOVA_BASE } from './dma-allocator.js';
export { RegisterFile, BarFile, SpaceFile } from './register-file.js';
export { bitMask, type WordSpec } from './register-map.js';
export { SimInterruptSource } from './interrupts.js';
export { Wire, type FrameSink, type WireOptions } from './wire.js';
export { SimMmio } from './mmio.js';
export type { DmaFault, Violation, UnknownAccess } from './records.js';
export {
  RingModelPlugin,
  frameBytes,
  type RingDeviceEvent,
  type FetchedDescriptor,
  type ModelRxFrame,
} from './ring-device.js';
