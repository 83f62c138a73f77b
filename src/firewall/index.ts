/**
 * Firewall dumps (nft, nft -j, iptables-save, netsh, PowerShell JSON, pfctl) read into one rule
 * model, and the evaluator that decides FTP flows through them each firewall's own way. Pure.
 */
export { detectFormat, parseDump, readDump } from './detect.js';
export { evaluateFlow, type Decider, type Flow, type FlowEvaluation, type Segment } from './evaluate.js';
export { familyOf } from './fix-text.js';
export {
  ftpVerdicts,
  rulesOf,
  type FirewallVerdicts,
  type FlowName,
  type FlowVerdict,
  type FtpFlowOptions,
  type RuleReport,
} from './ftp-verdicts.js';
export { parseNetsh } from './netsh.js';
export { parsePfctl } from './pfctl.js';
export { parsePowershellJson } from './powershell-json.js';
export {
  DUMP_FORMATS,
  DumpParseError,
  type DumpFormat,
  type FirewallDump,
  type Rule,
  type WindowsDump,
  type WindowsProfile,
} from './rule-model.js';
export { renderVerdicts } from './verdicts-text.js';
