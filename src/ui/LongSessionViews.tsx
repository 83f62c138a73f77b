import type { IdleTestObservation, TransfersObservation } from '../observation/index.js';
import { idleTestLines, transferHeading, transferLines } from '../views/index.js';
import { Box, Text } from 'ink';

/** The long-session experiments in the live view: transfers by size and direction, and the idle test. */

/** The transfer experiments: one line per download or upload, what was written and removed. */
export function TransferList({ transfers }: { transfers: TransfersObservation }) {
  return (
    <Box flexDirection="column">
      <Text bold>{transferHeading(transfers)}</Text>
      {transferLines(transfers).map((line, i) => (
        <Text key={i} wrap="truncate-end">
          {line}
        </Text>
      ))}
    </Box>
  );
}

/** The idle control connection test: each session's silence and what its NOOP got. */
export function IdleTestList({ test }: { test: IdleTestObservation }) {
  return (
    <Box flexDirection="column">
      {idleTestLines(test).map((line, i) => (
        <Text key={i} wrap="truncate-end" bold={i === 0}>
          {line}
        </Text>
      ))}
    </Box>
  );
}
