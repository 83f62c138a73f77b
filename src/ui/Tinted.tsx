import type { Colour } from '../views/index.js';
import { Text, type TextProps } from 'ink';
import { createContext, useContext, type ReactNode } from 'react';

/** Whether colours are on (off for NO_COLOR and --no-color); symbols carry the meaning either way. */
export const ColourContext = createContext(true);

export function Tinted({
  colour,
  children,
  ...rest
}: { colour: Colour; children: ReactNode } & Omit<TextProps, 'color'>) {
  const enabled = useContext(ColourContext);
  return (
    <Text {...rest} color={enabled ? colour : undefined}>
      {children}
    </Text>
  );
}
