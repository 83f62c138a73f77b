/** The FEAT reply body (RFC 2389 §3.2), one feature per line. */
export const FEATURES: readonly string[] = [
  'AUTH TLS',
  'EPRT',
  'EPSV',
  'MDTM',
  'MLST type*;size*;modify*;perm*;',
  'PASV',
  'PBSZ',
  'PROT',
  'REST STREAM',
  'SIZE',
  'TVFS',
  'UTF8',
  'FTPDOCTOR PEER;LASTPORT;LASTPASV;SWEEP',
];
