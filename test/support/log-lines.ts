/** A log destination that keeps every line, for asserting what was (and was not) logged. */
export function captureLogs (): { destination: { write: (line: string) => void }, lines: string[] } {
  const lines: string[] = []
  return { destination: { write: (line) => { lines.push(line) } }, lines }
}
