import type { AddressRow } from '../views/index.js';
import { Box, Text } from 'ink';
import { Tinted } from './Tinted.js';

/** Every address of the server with whether it answers: shown when the check had more than one. */
export function AddressList({ rows }: { rows: readonly AddressRow[] }) {
  const answering = rows.filter((r) => r.answers).length;
  return (
    <Box flexDirection="column">
      <Text bold>
        Addresses: {answering} of {rows.length} answer
      </Text>
      {rows.map((r) => (
        <Box key={r.address}>
          <Box width={3} flexShrink={0}>
            <Tinted colour={r.answers ? 'green' : 'red'}>{r.answers ? '✓' : '✗'}</Tinted>
          </Box>
          <Box width={42} flexShrink={0}>
            <Text wrap="truncate-end">
              {r.address}
              {r.chosen ? ' *' : ''}
            </Text>
          </Box>
          <Text wrap="truncate-end">{r.outcome}</Text>
        </Box>
      ))}
    </Box>
  );
}
