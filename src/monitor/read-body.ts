import type { Readable } from 'node:stream'

/** A response body read up to a limit: the text, or `tooLarge` when it went past the limit. */
export type BodyRead =
  | { readonly tooLarge: false, readonly text: string }
  | { readonly tooLarge: true }

/**
 * Reads a body up to `limit` bytes. Past the limit it stops and destroys the stream, so a 2 GB
 * body costs at most `limit` bytes of memory and no more reading.
 */
export async function readBodyCapped (body: Readable, limit: number): Promise<BodyRead> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of body) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array)
    size += buffer.length
    if (size > limit) {
      body.on('error', () => {}).destroy()
      return { tooLarge: true }
    }
    chunks.push(buffer)
  }
  return { tooLarge: false, text: Buffer.concat(chunks).toString('utf8') }
}
