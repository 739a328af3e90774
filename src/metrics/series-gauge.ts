import { Gauge, type GaugeConfiguration, type LabelValues } from 'prom-client'
import { joinInSlices } from '../slices.js'

// The text format's escaping (as prom-client's registry writes it): backslash and newline in HELP,
// and the double quote as well in label values.
const escapeText = (text: string): string => text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')
const escapeLabelValue = (value: string): string => escapeText(value).replace(/"/g, '\\"')
// As prom-client's getValueAsString.
const valueText = (value: number): string => Number.isNaN(value) ? 'Nan' : !Number.isFinite(value) ? (value < 0 ? '-Inf' : '+Inf') : String(value)

interface Series<T extends string> { readonly labels: LabelValues<T>, readonly line: string }

/**
 * A labelled gauge with one series per environment (or environment and path): a prom-client Gauge,
 * registered and readable as any other, that also keeps each series' exposition line, written when
 * the series is set, so that `/metrics` joins ready lines instead of formatting 30,000 values per
 * scrape (prom-client's formatting took 200–300 ms for one such family at 10,000 environments, all in
 * one event-loop task). Only `set(labels, value)` and `remove(labels)` change it; `inc`/`dec` throw.
 */
export class SeriesGauge<T extends string> extends Gauge<T> {
  private series?: Map<string, Series<T>>
  private readonly seriesLabelNames: readonly T[]
  private readonly header: string
  private readonly seriesName: string
  /** The family as last rendered, until a series changes; `version` counts changes. */
  private rendered?: Buffer
  private version = 0

  constructor (configuration: GaugeConfiguration<T> & { labelNames: readonly T[] }) {
    super(configuration)
    this.seriesLabelNames = configuration.labelNames
    this.seriesName = configuration.name
    this.header = `# HELP ${escapeText(configuration.name)} ${escapeText(configuration.help)}\n# TYPE ${escapeText(configuration.name)} gauge`
  }

  private store (): Map<string, Series<T>> {
    return (this.series ??= new Map())
  }

  private key (labels: LabelValues<T>): string {
    return this.seriesLabelNames.map((name) => String(labels[name] ?? '')).join('\u0000')
  }

  override set (labels: LabelValues<T>, value: number): void
  override set (value: number): void
  override set (labelsOrValue: LabelValues<T> | number, value?: number): void {
    if (typeof labelsOrValue === 'number' || value === undefined) throw new TypeError(`${this.seriesName}: a SeriesGauge is set with labels`)
    super.set(labelsOrValue, value)
    const present = this.seriesLabelNames.filter((name) => labelsOrValue[name] !== undefined)
    const labelText = present.map((name) => `${name}="${escapeLabelValue(String(labelsOrValue[name]))}"`).join(',')
    this.changed()
    this.store().set(this.key(labelsOrValue), { labels: { ...labelsOrValue }, line: `${this.seriesName}{${labelText}} ${valueText(value)}` })
  }

  // Rest parameters so that the signatures fit Gauge's overloads; any call throws.
  override inc (...args: unknown[]): void { throw new TypeError(`${this.seriesName}: a SeriesGauge is only set, not inc(${args.length} arguments)`) }
  override dec (...args: unknown[]): void { throw new TypeError(`${this.seriesName}: a SeriesGauge is only set, not dec(${args.length} arguments)`) }

  override remove (...args: Array<LabelValues<T> | string | number>): void {
    super.remove(...(args as [LabelValues<T>]))
    const labels = args[0]
    if (typeof labels === 'object' && this.store().delete(this.key(labels))) this.changed()
  }

  override reset (): void {
    super.reset()
    this.series?.clear()
    this.changed()
  }

  private changed (): void {
    this.version++
    this.rendered = undefined
  }

  /** Labels of every series, in the order they were first set. */
  labelSets (): Array<LabelValues<T>> {
    return [...this.store().values()].map((series) => series.labels)
  }

  /**
   * This family's lines in the Prometheus text format (HELP, TYPE, one line per series), as
   * `registry.getSingleMetricAsString` writes them; join them with newlines (joinInSlices).
   */
  expositionLines (): string[] {
    const lines = [this.header]
    for (const series of this.store().values()) lines.push(series.line)
    return lines
  }

  /**
   * expositionLines() joined with newlines as UTF-8, built in slices (joinInSlices) and kept until a
   * series changes: between two monitor cycles every scrape reuses the same bytes.
   */
  async exposition (): Promise<Buffer> {
    if (this.rendered !== undefined) return this.rendered
    const version = this.version
    const rendered = await joinInSlices(this.expositionLines(), '\n')
    if (version === this.version) this.rendered = rendered
    return rendered
  }
}
