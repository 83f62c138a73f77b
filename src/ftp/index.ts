/**
 * The FTP protocol's own vocabulary, below every other layer: replies and their parser, host-port
 * and EPRT/EPSV codecs (RFC 959, 2428), address classes and port ranges.
 */
export { classifyAddress, isNonRoutable, sameAddress, unmapIpv4, type AddressClass } from './address-class.js';
export {
  decodeEprt,
  decodeEpsvReply,
  decodeHostPort,
  decodePasvReply,
  encodeEprt,
  encodeEpsvReply,
  encodeHostPort,
  encodePasvReply,
  endpoint,
  type Decoded,
  type HostPort,
} from './host-port.js';
export {
  ALL_PORTS,
  countPorts,
  formatRanges,
  intersect,
  mergeRanges,
  parseRangeSpec,
  rangeText,
  rangesText,
  subtract,
  type PortSet,
  type RangeSpecError,
} from './port-ranges.js';
export { ReplyParser, type ParsedItem, type ReplyParserLimits } from './reply-parser.js';
export { isCompletion, isNegative, isPositive, isPreliminary, replyClass, type Reply } from './reply.js';
