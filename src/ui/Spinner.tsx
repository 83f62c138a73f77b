import { useAnimation } from 'ink';
import { Tinted } from './Tinted.js';

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export function Spinner() {
  const { frame } = useAnimation({ interval: 80 });
  return <Tinted colour="cyan">{FRAMES[frame % FRAMES.length]}</Tinted>;
}
