import type { CertificateInfo } from '../observation/index.js';
import { Box, Text, useInput } from 'ink';
import { Tinted } from './Tinted.js';

export interface CertificatePromptProps {
  certificate: CertificateInfo;
  authorizationError?: string;
  onAnswer: (trust: boolean) => void;
  onQuit: (key: 'q' | 'ctrl-c') => void;
}

/**
 * The question FileZilla asks about an unknown certificate ("Unknown certificate": subject, issuer,
 * validity, fingerprint, "Trust this certificate and carry on connecting?"), for this check only.
 * Only y trusts; Enter, n and Esc decline, so a stray key never accepts a certificate.
 */
export function CertificatePrompt({ certificate: c, authorizationError, onAnswer, onQuit }: CertificatePromptProps) {
  useInput((input, key) => {
    if (key.ctrl && input === 'c') onQuit('ctrl-c');
    else if (input === 'q') onQuit('q');
    else if (input === 'y' || input === 'Y') onAnswer(true);
    else if (input === 'n' || input === 'N' || key.return || key.escape) onAnswer(false);
  });
  const problems = [
    ...(authorizationError ? [authorizationError] : []),
    ...(c.expired ? ['expired'] : []),
    ...(c.hostnameMatches ? [] : ['not issued for this host name']),
  ];
  return (
    <Box flexDirection="column" marginTop={1} borderStyle="round" paddingX={1}>
      <Tinted colour="yellow" bold>
        The server&apos;s certificate is not trusted{problems.length ? ` (${problems.join(', ')})` : ''}
      </Tinted>
      <Text>Subject: {c.subject}</Text>
      <Text>Issuer: {c.issuer}</Text>
      {c.subjectAltNames ? <Text>Names: {c.subjectAltNames}</Text> : null}
      <Text>
        Valid: {c.validFrom} to {c.validTo}
      </Text>
      <Text>SHA-256 fingerprint:</Text>
      {fingerprintLines(c.fingerprint256).map((line) => (
        <Text key={line}> {line}</Text>
      ))}
      <Text dimColor>Compare the fingerprint with the one the server&apos;s admin gave you.</Text>
      <Text bold>Trust this certificate for this check? [y/N]</Text>
    </Box>
  );
}

/** 95 characters do not fit 80 columns: 16 bytes a line, so the fingerprint never wraps mid-byte. */
function fingerprintLines(fingerprint: string): string[] {
  const bytes = fingerprint.split(':');
  return [bytes.slice(0, 16).join(':'), bytes.slice(16).join(':')].filter((line) => line !== '');
}
