import { DEFAULT_SLICE_SIZE, forEachInSlices } from '../slices.js'
import type { SeriesGauge } from './series-gauge.js'

/** Labels of one series as prom-client reports them. */
export type SeriesLabels<T extends string> = Partial<Record<T, string | number>>

/**
 * Removes every series of `gauge` whose labels `keep` rejects, so that an environment or path that
 * left the configuration leaves no stale series behind (Prometheus would otherwise go on scraping
 * its last value as if it were current). Goes through the series in slices that yield to the event
 * loop (there are 10,000 to 30,000 of them at 10,000 environments).
 */
export async function pruneSeries<T extends string> (gauge: SeriesGauge<T>, keep: (labels: SeriesLabels<T>) => boolean): Promise<void> {
  await forEachInSlices(gauge.labelSets(), DEFAULT_SLICE_SIZE, (labels) => { if (!keep(labels)) gauge.remove(labels) })
}
