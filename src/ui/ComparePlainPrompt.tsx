import { Box, Text, useInput } from 'ink';
import { Tinted } from './Tinted.js';

export interface ComparePlainPromptProps {
  user: string;
  host: string;
  onAnswer: (yes: boolean) => void;
  onQuit: (key: 'q' | 'ctrl-c') => void;
}

/**
 * The consent --compare-plain gives on the command line (issue 12): one plain-text session with the
 * real login, which alone shows whether a firewall relies on an FTP helper. Only y consents; Enter,
 * n and Esc decline, so a stray key never sends a password in clear.
 */
export function ComparePlainPrompt({ user, host, onAnswer, onQuit }: ComparePlainPromptProps) {
  useInput((input, key) => {
    if (key.ctrl && input === 'c') onQuit('ctrl-c');
    else if (input === 'q') onQuit('q');
    else if (input === 'y' || input === 'Y') onAnswer(true);
    else if (input === 'n' || input === 'N' || key.return || key.escape) onAnswer(false);
  });
  return (
    <Box flexDirection="column" marginTop={1} borderStyle="round" paddingX={1}>
      <Tinted colour="yellow" bold>
        Compare with plain FTP?
      </Tinted>
      <Text>
        Only a plain-text session shows whether a firewall relies on an FTP helper (plain works, TLS fails). It logs in
        as {user} to {host} unencrypted: your password crosses the network in clear once.
      </Text>
      <Text bold>Run the plain-text comparison with your login? [y/N]</Text>
    </Box>
  );
}
