import type { Gauge } from 'prom-client'

/** Labels of one series as prom-client reports them. */
export type SeriesLabels<T extends string> = Partial<Record<T, string | number>>

/**
 * Removes every series of `gauge` whose labels `keep` rejects, so that an environment or path that
 * left the configuration leaves no stale series behind (Prometheus would otherwise go on scraping
 * its last value as if it were current).
 */
export async function pruneSeries<T extends string> (gauge: Gauge<T>, keep: (labels: SeriesLabels<T>) => boolean): Promise<void> {
  for (const { labels } of (await gauge.get()).values) if (!keep(labels)) gauge.remove(labels)
}
