/** Lets Ink's input hook attach, types one key into a rendered app, and lets its handler run. */
export async function pressKey(app: { stdin: { write(data: string): void } }, key: string): Promise<void> {
  await tick();
  app.stdin.write(key);
  await tick();
}

const tick = () => new Promise((r) => setTimeout(r, 20));
