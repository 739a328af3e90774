/**
 * Keys that appear more than once in one object of a raw JSON text, as `path.key` (`.module`,
 * `.err.code`). JSON.parse keeps the last value silently, so duplicates can only be seen by
 * scanning the text itself. Throws on text that is not JSON.
 */
export function duplicateKeys (raw: string): string[] {
  const found: string[] = []
  // One frame per open object or array: the keys seen so far (objects) and the path to it.
  const stack: Array<{ keys: Set<string> | null, path: string }> = []
  let expectingKey = false
  let lastKey = ''
  let i = 0
  const readString = (): string => {
    const start = i
    i++
    while (raw[i] !== '"') {
      if (i >= raw.length) throw new Error('unterminated string')
      i += raw[i] === '\\' ? 2 : 1
    }
    i++
    return JSON.parse(raw.slice(start, i)) as string
  }
  while (i < raw.length) {
    const c = raw[i]!
    const top = stack.at(-1)
    if (c === '"') {
      const text = readString()
      if (expectingKey && top?.keys != null) {
        if (top.keys.has(text)) found.push(`${top.path}.${text}`)
        top.keys.add(text)
        lastKey = text
        expectingKey = false
      }
      continue
    }
    if (c === '{' || c === '[') {
      const parentPath = top === undefined ? '' : top.keys === null ? `${top.path}[]` : `${top.path}.${lastKey}`
      stack.push({ keys: c === '{' ? new Set() : null, path: parentPath })
      expectingKey = c === '{'
    } else if (c === '}' || c === ']') {
      stack.pop()
      expectingKey = false
    } else if (c === ',') {
      expectingKey = top?.keys != null
    }
    i++
  }
  if (stack.length !== 0) throw new Error('unbalanced JSON')
  return found
}
