import { probeExtensionCommands } from '../probe-extensions.js';
import { accessCommands } from './access.js';
import { command, type Command } from './command.js';
import { dataSetupCommands } from './data-setup.js';
import { informationCommands } from './information.js';
import { navigationCommands } from './navigation.js';
import { parameterCommands } from './parameters.js';
import { securityCommands } from './security.js';
import { transferCommands } from './transfer.js';

/** RFC 959 and extension verbs this server knows but does not offer: 502 rather than 500 (RFC 959 §4.2). */
const NOT_IMPLEMENTED = [
  'APPE',
  'STOU',
  'MKD',
  'XMKD',
  'RMD',
  'XRMD',
  'RNFR',
  'RNTO',
  'SMNT',
  'REIN',
  'CCC',
  'LPRT',
  'LPSV',
  'ADAT',
  'MIC',
  'CONF',
  'ENC',
];
const notImplemented = command(false, 'optional', (s) => s.reply(502, 'Command not implemented.'));

export const COMMANDS: ReadonlyMap<string, Command> = new Map<string, Command>([
  ...NOT_IMPLEMENTED.map((verb) => [verb, notImplemented] as const),
  ...Object.entries(accessCommands),
  ...Object.entries(navigationCommands),
  ...Object.entries(parameterCommands),
  ...Object.entries(dataSetupCommands),
  ...Object.entries(transferCommands),
  ...Object.entries(informationCommands),
  ...Object.entries(securityCommands),
  ...Object.entries(probeExtensionCommands),
]);
