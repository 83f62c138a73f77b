import type { ClientCompatibility, ClientOutcome } from '../diagnosis/index.js';
import type { Colour } from '../views/index.js';
import { Box, Text } from 'ink';
import { Tinted } from './Tinted.js';

/** "Will my client work?": one line per client, the setting under it when one makes it work. */

const LOOK: Record<ClientOutcome, { symbol: string; colour: Colour; label: string }> = {
  works: { symbol: '✔', colour: 'green', label: 'works' },
  'works-with-setting': { symbol: '⚙', colour: 'yellow', label: 'with a setting' },
  unreliable: { symbol: '!', colour: 'yellow', label: 'sometimes' },
  'will-not-work': { symbol: '✖', colour: 'red', label: 'will not work' },
  unknown: { symbol: '?', colour: 'gray', label: 'not known' },
};

export function ClientTable({ compatibility }: { compatibility: ClientCompatibility }) {
  const hang = compatibility.passiveHang;
  return (
    <Box flexDirection="column">
      <Text bold>Will my client work?</Text>
      {hang ? (
        <Text>
          <Tinted colour="yellow">!</Tinted> {hang.words} will hang ({hang.blockedPorts.toLocaleString('en-US')} of{' '}
          {hang.testedPorts.toLocaleString('en-US')} passive ports blocked); a retry succeeds by chance
        </Text>
      ) : null}
      {compatibility.clients.map((c) => (
        <Box key={c.client} flexDirection="column">
          <Text wrap="truncate-end">
            <Tinted colour={LOOK[c.outcome].colour}>
              {LOOK[c.outcome].symbol} {LOOK[c.outcome].label.padEnd(14)}
            </Tinted>{' '}
            {c.name}
          </Text>
          {c.setting ? (
            <Text dimColor wrap="truncate-end">
              {'                  '}setting: {c.setting}
            </Text>
          ) : null}
        </Box>
      ))}
    </Box>
  );
}
