/**
 * However the process ends, no device is left mastering the bus into memory that is
 * about to be freed: on SIGINT, SIGTERM and SIGHUP every open device is quiesced (bus
 * mastering off), its DMA unmapped and its fds closed, then the process exits with
 * 128 + the signal number (130, 143, 129); on an uncaught exception or unhandled
 * rejection the same cleanup runs before Node prints the error and exits as usual; on a
 * normal exit it runs for devices the program forgot to close.
 *
 * The hooks are installed while at least one device is open, and removed after, so a
 * process with no device keeps Node's default signal behaviour.
 */

/** What a hook needs of an open device: a synchronous, idempotent, non-throwing close. */
export interface Closable {
  closeSync(): void;
}

const open = new Set<Closable>();
const SIGNAL_EXIT_BASE = 128;
const SIGNALS = { SIGINT: 2, SIGTERM: 15, SIGHUP: 1 } as const;
type HookedSignal = keyof typeof SIGNALS;

function closeAll(): void {
  for (const device of [...open]) {
    try {
      device.closeSync();
    } catch {
      // keep going: the other devices must be released too
    }
  }
  open.clear();
}

const onSignal = (signal: HookedSignal) => {
  closeAll();
  process.exit(SIGNAL_EXIT_BASE + SIGNALS[signal]);
};
const onUncaught = () => closeAll();
const onExit = () => closeAll();

function install(): void {
  for (const signal of Object.keys(SIGNALS) as HookedSignal[]) process.on(signal, onSignal);
  // The monitor event runs before Node's own handling and does not swallow the error.
  process.on('uncaughtExceptionMonitor', onUncaught);
  process.on('exit', onExit);
}

function uninstall(): void {
  for (const signal of Object.keys(SIGNALS) as HookedSignal[]) process.off(signal, onSignal);
  process.off('uncaughtExceptionMonitor', onUncaught);
  process.off('exit', onExit);
}

export function trackOpenDevice(device: Closable): void {
  if (open.size === 0) install();
  open.add(device);
}

export function untrackOpenDevice(device: Closable): void {
  if (!open.delete(device)) return;
  if (open.size === 0) uninstall();
}

/** Devices currently open in this process (for diagnostics and tests). */
export function openDeviceCount(): number {
  return open.size;
}
