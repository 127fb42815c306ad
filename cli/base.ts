/**
 * The base of every nicdl command: the one place where typed errors become text.
 * An expected failure (NicdlError, spec diagnostics) prints one clear message and exits
 * with its code; only an unexpected error shows a stack trace (with NICDL_DEBUG=1).
 */
import { format, inspect } from 'node:util';
import { Command } from '@oclif/core';
import { isNicdlError } from '../spec/errors.js';

export abstract class NicdlCommand extends Command {
  /** Cleanups to run however the command ends (quiesce devices, unmap DMA, rebind). */
  protected cleanups: Array<() => Promise<void> | void> = [];

  protected onCleanup(fn: () => Promise<void> | void): void {
    this.cleanups.unshift(fn);
  }

  /**
   * Progress, live rates and warnings reach stderr with --json too (oclif would drop
   * them: `stats --watch --json` was silent until Ctrl-C, and a failed cleanup, e.g. a
   * device not given back, went unreported). stdout stays JSON only.
   */
  override logToStderr(message: unknown = '', ...args: unknown[]): void {
    const text = typeof message === 'string' ? message : inspect(message);
    process.stderr.write(`${format(text, ...args)}\n`);
  }

  protected override async finally(err: Error | undefined): Promise<unknown> {
    for (const fn of this.cleanups.splice(0)) {
      try {
        await fn();
      } catch (e) {
        this.logToStderr(`nicdl: cleanup failed: ${(e as Error).message}`);
      }
    }
    return super.finally(err);
  }

  protected override async catch(
    err: Error & { exitCode?: number; oclif?: { exit?: number } },
  ): Promise<unknown> {
    if (isNicdlError(err)) {
      if (this.jsonEnabled()) {
        this.logJson({ error: { code: err.code, message: err.message, ...err.detail } });
      } else {
        this.logToStderr(`nicdl: error ${err.code}: ${err.message}`);
      }
      this.exit(err.exitCode);
    }
    if (process.env.NICDL_DEBUG) throw err;
    // oclif's own parse errors (unknown flag, missing arg) are user errors: one line.
    if (err.oclif?.exit !== undefined || err.name === 'CLIError') return super.catch(err);
    this.logToStderr(`nicdl: internal error: ${err.message} (set NICDL_DEBUG=1 for a stack trace)`);
    this.exit(70);
  }
}
