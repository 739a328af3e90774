import type { AlertThresholds } from '../config/config.js'

export type AlertName = 'memory' | 'cpu' | 'response_time' | 'error_rate'

/** What an alert's `value` and `threshold` are measured in. */
export type AlertUnit = 'percent' | 'ms'

export interface AlertState {
  readonly name: AlertName
  readonly status: 'ok' | 'firing'
  /** The current figure, in `unit`. */
  readonly value: number
  /** The figure past which the alert fires, in `unit`. */
  readonly threshold: number
  /** `percent` for memory, cpu and error_rate; `ms` for response_time (the p95 over 5 minutes). */
  readonly unit: AlertUnit
}

export interface AlertInputs {
  readonly memoryPercent: number
  readonly cpuPercent: number
  readonly p95Ms: number
  readonly errorRatePercent: number
}

/** Compares the current figures with their thresholds; an alert fires when its value exceeds it. */
export function evaluateAlerts (inputs: AlertInputs, thresholds: AlertThresholds): AlertState[] {
  const rows: Array<[AlertName, number, number, AlertUnit]> = [
    ['memory', inputs.memoryPercent, thresholds.memoryPercent, 'percent'],
    ['cpu', inputs.cpuPercent, thresholds.cpuPercent, 'percent'],
    ['response_time', inputs.p95Ms, thresholds.responseTimeMs, 'ms'],
    ['error_rate', inputs.errorRatePercent, thresholds.errorRatePercent, 'percent']
  ]
  return rows.map(([name, value, threshold, unit]) => ({ name, status: value > threshold ? 'firing' : 'ok', value, threshold, unit }))
}
