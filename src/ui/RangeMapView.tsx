import { formatRanges } from '../ftp/index.js';
import type { PortState, SweepCalibration } from '../observation/index.js';
import {
  CELLS_PER_ROW,
  CELL_LOOK,
  calibrationWords,
  type CellState,
  type RangeMap,
  cellState,
  formatCount,
} from '../views/index.js';
import { Box, Text } from 'ink';
import { Tinted } from './Tinted.js';

export interface RangeMapViewProps {
  map: RangeMap;
  /** Ports classified so far. */
  done: number;
  counts: Partial<Record<PortState, number>>;
  /** Known once the sweep has timed its refusal and answers, before its first port. */
  calibration?: SweepCalibration;
}

const LEGEND: readonly CellState[] = [
  'open',
  'refused',
  'no-answer',
  'icmp-reject',
  'blocked-reset',
  'token-mismatch',
  'local-error',
  'untested',
];

/**
 * The passive range as rows of cells, filled in as the sweep runs, with a legend that counts ports per
 * state, under what the sweep's calibration measured and the per-port deadline it set.
 */
export function RangeMapView({ map, done, counts, calibration }: RangeMapViewProps) {
  const rows: Array<RangeMap['cells']> = [];
  for (let i = 0; i < map.cells.length; i += CELLS_PER_ROW) rows.push(map.cells.slice(i, i + CELLS_PER_ROW));
  const ranges = formatRanges(map.ranges);
  const untested = Math.max(0, map.ports - done);
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end">
        <Text bold>Passive range {ranges}</Text>
        <Text dimColor>
          {' '}
          · {map.portsPerCell === 1 ? '1 port' : `${map.portsPerCell} ports`} per cell · {formatCount(done)}/
          {formatCount(map.ports)} tested
        </Text>
      </Text>
      {calibration ? <Text dimColor>Calibrated: {calibrationWords(calibration)}</Text> : null}
      {rows.map((row) => (
        <Box key={row[0]!.from}>
          <Box width={6} flexShrink={0}>
            <Text dimColor>{row[0]!.from}</Text>
          </Box>
          <Text>
            {row.map((cell) => {
              const look = CELL_LOOK[cellState(cell)];
              return (
                <Tinted key={cell.from} colour={look.colour}>
                  {look.symbol}
                </Tinted>
              );
            })}
          </Text>
        </Box>
      ))}
      <Box flexWrap="wrap" columnGap={2}>
        {LEGEND.map((state) => {
          const look = CELL_LOOK[state];
          const n = state === 'untested' ? untested : (counts[state] ?? 0);
          return (
            <Text key={state}>
              <Tinted colour={look.colour}>{look.symbol}</Tinted> {look.label} {formatCount(n)}
            </Text>
          );
        })}
      </Box>
    </Box>
  );
}
