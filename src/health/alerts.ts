import type { AlertThresholds } from '../config/config.js'

export type AlertName = 'memory' | 'cpu' | 'response_time' | 'error_rate'

export interface AlertState {
  readonly name: AlertName
  readonly status: 'ok' | 'firing'
  readonly value: number
  readonly threshold: number
}

export interface AlertInputs {
  readonly memoryPercent: number
  readonly cpuPercent: number
  readonly p95Ms: number
  readonly errorRatePercent: number
}

/** Compares the current figures with their thresholds; an alert fires when its value exceeds it. */
export function evaluateAlerts (inputs: AlertInputs, thresholds: AlertThresholds): AlertState[] {
  const pairs: Array<[AlertName, number, number]> = [
    ['memory', inputs.memoryPercent, thresholds.memoryPercent],
    ['cpu', inputs.cpuPercent, thresholds.cpuPercent],
    ['response_time', inputs.p95Ms, thresholds.responseTimeMs],
    ['error_rate', inputs.errorRatePercent, thresholds.errorRatePercent]
  ]
  return pairs.map(([name, value, threshold]) => ({ name, status: value > threshold ? 'firing' : 'ok', value, threshold }))
}
