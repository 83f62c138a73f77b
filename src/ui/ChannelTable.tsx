import { CHANNELS, type Channel } from '../diagnosis/index.js';
import { CHANNEL_LOOK } from '../views/index.js';
import { Box, Text } from 'ink';
import { Spinner } from './Spinner.js';
import { Tinted } from './Tinted.js';
import type { ChannelView } from './ui-state.js';

const NAMES: Record<Channel, string> = { control: 'Control', passive: 'Passive', active: 'Active', tls: 'TLS' };

/** One row per channel with its verdict as soon as it is known. */
export function ChannelTable({ channels }: { channels: Record<Channel, ChannelView> }) {
  return (
    <Box flexDirection="column">
      <Box>
        <Box width={10} flexShrink={0}>
          <Text bold>Channel</Text>
        </Box>
        <Box width={12} flexShrink={0}>
          <Text bold>Verdict</Text>
        </Box>
        <Text bold>Why</Text>
      </Box>
      {CHANNELS.map((channel) => {
        const view = channels[channel];
        const look = CHANNEL_LOOK[view.status];
        return (
          <Box key={channel}>
            <Box width={10} flexShrink={0}>
              <Text>{NAMES[channel]}</Text>
            </Box>
            <Box width={12} flexShrink={0}>
              {view.status === 'testing' ? <Spinner /> : <Tinted colour={look.colour}>{look.symbol}</Tinted>}
              <Tinted colour={look.colour}> {look.label}</Tinted>
            </Box>
            <Box flexGrow={1} flexShrink={1}>
              <Text wrap="truncate-end">{view.summary}</Text>
            </Box>
          </Box>
        );
      })}
    </Box>
  );
}
