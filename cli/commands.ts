/**
 * Every CLI command, by name (oclif's explicit command strategy: no directory scan at
 * start-up). Add a command here when you add its file.
 */
import type { Command } from '@oclif/core';

export const COMMANDS: Record<string, Command.Class> = {};
