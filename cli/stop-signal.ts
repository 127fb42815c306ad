/**
 * Ctrl-C and SIGTERM for commands that run a device: the first signal asks the running
 * loop to stop, so it can print its summary and the command's cleanups quiesce the device,
 * free its DMA and give it back to its kernel driver in order. Should the loop not stop
 * within the grace period, or a second signal come, the emergency path closes every
 * device synchronously (bus mastering off, DMA unmapped, driver restored) and exits with
 * 128 + the signal number, as a shell expects.
 *
 * The VFIO backend's own process hooks exit at the first signal, which would skip the
 * summary and the driver's orderly close, so devices opened by the CLI turn those hooks
 * off and register here instead; the 'exit' hook keeps the crash path covered.
 */
import { writeSync } from 'node:fs';
import { NicdlError, type ExitCodeValue } from '../spec/errors.js';

/** What the emergency path needs of a device: a synchronous, idempotent close. */
export interface EmergencyClosable {
  closeSync?(): void;
  quiesce(): void;
}

const SIGNAL_NUMBERS = { SIGINT: 2, SIGTERM: 15, SIGHUP: 1 } as const;
type StopSignalName = keyof typeof SIGNAL_NUMBERS;
/** Shell convention: a process ended by signal N exits with 128 + N. */
const SIGNAL_EXIT_BASE = 128;
/** How long a loop may take to notice the request before the emergency path runs. */
const GRACE_MS = 3000;
const STDERR_FD = 2;

export class StopSignal {
  /** The signal that asked to stop, once one did. */
  requested: StopSignalName | undefined;
  private readonly devices = new Set<EmergencyClosable>();
  private graceTimer: NodeJS.Timeout | undefined;
  private wakers: Array<() => void> = [];
  private installed = false;

  /** Start listening (idempotent). */
  install(): this {
    if (this.installed) return this;
    this.installed = true;
    for (const s of Object.keys(SIGNAL_NUMBERS) as StopSignalName[]) process.on(s, this.onSignal);
    process.on('exit', this.onExit);
    return this;
  }

  /** Stop listening; devices still registered are left to their normal close. */
  uninstall(): void {
    if (!this.installed) return;
    this.installed = false;
    for (const s of Object.keys(SIGNAL_NUMBERS) as StopSignalName[]) process.off(s, this.onSignal);
    process.off('exit', this.onExit);
    if (this.graceTimer) clearTimeout(this.graceTimer);
    this.devices.clear();
  }

  get stopped(): boolean {
    return this.requested !== undefined;
  }

  /** Devices the emergency path must release. */
  track(device: EmergencyClosable): void {
    this.devices.add(device);
  }

  untrack(device: EmergencyClosable): void {
    this.devices.delete(device);
  }

  /** Resolves after `ms`, or at once when a stop is requested (for loops that wait). */
  sleep(ms: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakers = this.wakers.filter((w) => w !== done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakers.push(done);
    });
  }

  /** The typed error a bounded run throws when it was stopped before its end. */
  interruptedError(what: string): NicdlError {
    const signal = this.requested ?? 'SIGINT';
    return new NicdlError('E_INTERRUPTED', `${what} stopped by ${signal}`, exitCodeFor(signal), {
      signal,
    });
  }

  /** Throw interruptedError(what) if a stop was requested. */
  check(what: string): void {
    if (this.stopped) throw this.interruptedError(what);
  }

  private readonly onSignal = (signal: StopSignalName) => {
    if (this.requested) {
      this.emergency(signal, 'second signal');
      return;
    }
    this.requested = signal;
    for (const wake of this.wakers.splice(0)) wake();
    this.graceTimer = setTimeout(
      () => this.emergency(signal, 'the run did not stop in time'),
      GRACE_MS,
    );
    this.graceTimer.unref();
  };

  private readonly onExit = () => {
    for (const d of this.devices) closeQuietly(d);
  };

  private emergency(signal: StopSignalName, why: string): void {
    for (const d of this.devices) closeQuietly(d);
    this.devices.clear();
    writeSync(
      STDERR_FD,
      `nicdl: error E_INTERRUPTED: stopped by ${signal} (${why}); device quiesced and released\n`,
    );
    process.exit(exitCodeFor(signal));
  }
}

function exitCodeFor(signal: StopSignalName): ExitCodeValue {
  return (SIGNAL_EXIT_BASE + SIGNAL_NUMBERS[signal]) as ExitCodeValue;
}

function closeQuietly(d: EmergencyClosable): void {
  try {
    if (d.closeSync) d.closeSync();
    else d.quiesce();
  } catch {
    // keep going: every device must be released
  }
}
