import type { TransfersObservation } from '../observation/index.js';
import { transferHeading, transferLines } from '../views/index.js';
import { Box, Text } from 'ink';

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
