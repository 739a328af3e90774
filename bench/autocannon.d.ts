// autocannon ships no types and @types/autocannon is not installed; only what the benches use.
declare module 'autocannon' {
  interface Histogram { p50: number, p90: number, p99: number, p99_9: number, average: number, max: number }
  export interface Result {
    latency: Histogram
    requests: Histogram & { total: number }
    non2xx: number
    errors: number
    timeouts: number
    '2xx': number
  }
  export interface Options {
    url: string
    duration?: number
    connections?: number
    overallRate?: number
    connectionRate?: number
    workers?: number
  }
  export default function autocannon (options: Options): Promise<Result>
}
