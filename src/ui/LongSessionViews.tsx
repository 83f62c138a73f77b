import type { IdleTestObservation, ParallelObservation, TransfersObservation } from '../observation/index.js';
import { idleTestLines, parallelLines, transferHeading, transferLines } from '../views/index.js';
import { Box, Text } from 'ink';

// The long-session experiments in the live view: transfers by size and direction, --parallel, the idle test.

/** The transfer experiments: one line per download or upload, what was written and removed. */
export function TransferList({ transfers }: { transfers: TransfersObservation }) {
  return <Lines lines={[transferHeading(transfers), ...transferLines(transfers)]} />;
}

/** The idle control connection test: each session's silence and what its NOOP got. */
export function IdleTestList({ test }: { test: IdleTestObservation }) {
  return <Lines lines={idleTestLines(test)} />;
}

/** --parallel: sessions opened, the refusal, the simultaneous listings. */
export function ParallelList({ parallel }: { parallel: ParallelObservation }) {
  return <Lines lines={parallelLines(parallel)} />;
}

function Lines({ lines }: { lines: string[] }) {
  return (
    <Box flexDirection="column">
      {lines.map((line, i) => (
        <Text key={i} wrap="truncate-end" bold={i === 0}>
          {line}
        </Text>
      ))}
    </Box>
  );
}
