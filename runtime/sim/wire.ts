/**
 * The twin's network side. Frames the device transmits go to a callback (the view is
 * only valid during the call: the plugin reuses its buffer) and, when capture is on,
 * into a bounded queue of copies that tests drain with take(). Frames arrive through
 * SimDevice.receive(), which hands them to the plugin.
 */
import type { EventLog } from './event-log.js';

export type FrameSink = (frame: Uint8Array) => void;

export interface WireOptions {
  /** Keep a copy of every transmitted frame for take(). Default true. */
  capture?: boolean;
  /** Frames kept before further copies are dropped (and counted). Default 65 536. */
  maxCaptured?: number;
}

const DEFAULT_MAX_CAPTURED = 65_536;

export class Wire {
  private readonly sinks: FrameSink[] = [];
  private captured: Uint8Array[] = [];
  readonly capture: boolean;
  private readonly maxCaptured: number;
  framesOut = 0;
  bytesOut = 0;
  /** Copies not kept because the capture queue was full. */
  captureDropped = 0;
  log: EventLog | null = null;

  constructor(options: WireOptions = {}) {
    this.capture = options.capture ?? true;
    this.maxCaptured = options.maxCaptured ?? DEFAULT_MAX_CAPTURED;
  }

  /** Called by the plugin for each frame leaving the device (without FCS). */
  transmit(frame: Uint8Array): void {
    this.framesOut++;
    this.bytesOut += frame.length;
    this.log?.push({ kind: 'frame-out', length: frame.length });
    if (this.capture) {
      if (this.captured.length < this.maxCaptured) this.captured.push(frame.slice());
      else this.captureDropped++;
    }
    for (const sink of this.sinks) sink(frame);
  }

  /** Add a callback for transmitted frames; returns a function that removes it. */
  onTransmit(sink: FrameSink): () => void {
    this.sinks.push(sink);
    return () => {
      const i = this.sinks.indexOf(sink);
      if (i >= 0) this.sinks.splice(i, 1);
    };
  }

  /** The captured frames, oldest first; the queue is emptied. */
  take(): Uint8Array[] {
    const out = this.captured;
    this.captured = [];
    return out;
  }
}
