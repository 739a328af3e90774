import type { Readable } from 'node:stream'

/** A response body read up to a limit: the text, or `tooLarge` when it went past the limit. */
export type BodyRead =
  | { readonly tooLarge: false, readonly text: string }
  | { readonly tooLarge: true }

/**
 * Reads a body up to `limit` bytes. Past the limit it stops and destroys the stream, so a 2 GB
 * body costs at most `limit` bytes of memory and no more reading. Rejects with the stream's error.
 * Plain 'data'/'end' listeners: no promise per chunk, as an async iterator would make.
 */
export async function readBodyCapped (body: Readable, limit: number): Promise<BodyRead> {
  return await new Promise<BodyRead>((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    const done = (read: BodyRead | Error): void => {
      body.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose)
      if (read instanceof Error) reject(read)
      else resolve(read)
    }
    const onData = (chunk: Buffer | string): void => {
      const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk
      size += buffer.length
      if (size > limit) {
        done({ tooLarge: true })
        body.on('error', () => {}).destroy()
        return
      }
      chunks.push(buffer)
    }
    const onEnd = (): void => { done({ tooLarge: false, text: Buffer.concat(chunks, size).toString('utf8') }) }
    const onError = (error: Error): void => { done(error) }
    // Destroyed before its end (an abort, the socket closing): the read failed.
    const onClose = (): void => { done(Object.assign(new Error('aborted'), { code: 'ECONNRESET' })) }
    body.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose)
  })
}
