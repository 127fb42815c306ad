/**
 * Every CLI command, by name (oclif's explicit command strategy: no directory scan at
 * start-up). Add a command here when you add its file.
 */
import type { Command } from '@oclif/core';
import Bind from './commands/bind.js';
import Check from './commands/check.js';
import Devices from './commands/devices.js';
import Doc from './commands/doc.js';
import Dump from './commands/dump.js';
import Fmt from './commands/fmt.js';
import Generate from './commands/generate.js';
import Ir from './commands/ir.js';
import Load from './commands/load.js';
import Ping from './commands/ping.js';
import Pktgen from './commands/pktgen.js';
import Recv from './commands/recv.js';
import Selftest from './commands/selftest.js';
import Send from './commands/send.js';
import Stats from './commands/stats.js';
import Test from './commands/test.js';
import Unbind from './commands/unbind.js';

export const COMMANDS: Record<string, Command.Class> = {
  bind: Bind,
  check: Check,
  devices: Devices,
  doc: Doc,
  dump: Dump,
  fmt: Fmt,
  generate: Generate,
  ir: Ir,
  load: Load,
  ping: Ping,
  pktgen: Pktgen,
  recv: Recv,
  selftest: Selftest,
  send: Send,
  stats: Stats,
  test: Test,
  unbind: Unbind,
};
