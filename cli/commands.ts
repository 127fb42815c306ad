/**
 * Every CLI command, by name (oclif's explicit command strategy: no directory scan at
 * start-up). Add a command here when you add its file.
 */
import type { Command } from '@oclif/core';
import Bind from './commands/bind.js';
import Devices from './commands/devices.js';
import Doc from './commands/doc.js';
import Generate from './commands/generate.js';
import Unbind from './commands/unbind.js';

export const COMMANDS: Record<string, Command.Class> = {
  bind: Bind,
  devices: Devices,
  doc: Doc,
  generate: Generate,
  unbind: Unbind,
};
