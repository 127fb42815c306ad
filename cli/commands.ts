/**
 * Every CLI command, by name (oclif's explicit command strategy: no directory scan at
 * start-up). Add a command here when you add its file.
 */
import type { Command } from '@oclif/core';
import Bind from './commands/bind.js';
import Devices from './commands/devices.js';
import Unbind from './commands/unbind.js';

export const COMMANDS: Record<string, Command.Class> = {
  bind: Bind,
  devices: Devices,
  unbind: Unbind,
};
