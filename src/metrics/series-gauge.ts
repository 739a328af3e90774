import { Gauge, type GaugeConfiguration, type LabelValues, type MetricObjectWithValues, type MetricValue } from 'prom-client'
import { joinInSlices } from '../slices.js'

// The text format's escaping (as prom-client's registry writes it): backslash and newline in HELP,
// and the double quote as well in label values.
const escapeText = (text: string): string => text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')
const escapeLabelValue = (value: string): string => escapeText(value).replace(/"/g, '\\"')
// As prom-client's getValueAsString.
const valueText = (value: number): string => Number.isNaN(value) ? 'Nan' : !Number.isFinite(value) ? (value < 0 ? '-Inf' : '+Inf') : String(value)

// Joins the label values of a series with more than one label into its key (names hold no NUL).
const KEY_SEPARATOR = '\u0000'

/**
 * A labelled gauge with one series per environment (or environment and path): a prom-client Gauge,
 * registered and readable as any other (`get()`, `registry.metrics()`), that keeps each series once,
 * as its label values and a number: a Map from the label value (one label: the very string the
 * caller passed, shared with the configuration) or the values joined with NUL, to the value. The
 * Gauge's own store (prom-client's hashMap: a hash string, an object and the labels per series) is
 * left empty. `/metrics` renders the family from it in slices (exposition) and keeps the bytes
 * until a series changes; prom-client's formatting took 200–300 ms for one such family at 10,000
 * environments, in one event-loop task. Only `set(labels, value)` with every label, `remove(labels)`
 * and `reset()` change it; `inc`/`dec` throw.
 */
export class SeriesGauge<T extends string> extends Gauge<T> {
  private series?: Map<string, number>
  private readonly seriesLabelNames: readonly T[]
  private readonly header: string
  private readonly seriesName: string
  /** The family as last rendered, until a series changes; `version` counts changes. */
  private rendered?: Buffer
  private version = 0

  constructor (configuration: GaugeConfiguration<T> & { labelNames: readonly T[] }) {
    super(configuration)
    if (configuration.labelNames.length === 0) throw new TypeError(`${configuration.name}: a SeriesGauge has labels`)
    this.seriesLabelNames = configuration.labelNames
    this.seriesName = configuration.name
    this.header = `# HELP ${escapeText(configuration.name)} ${escapeText(configuration.help)}\n# TYPE ${escapeText(configuration.name)} gauge`
  }

  private store (): Map<string, number> {
    return (this.series ??= new Map())
  }

  /** The series' key, or undefined when a label is missing (no such series: `set` requires them all). */
  private key (labels: LabelValues<T>): string | undefined {
    const names = this.seriesLabelNames
    if (names.length === 1) {
      const value = labels[names[0]!]
      return value === undefined ? undefined : String(value)
    }
    const values: string[] = []
    for (const name of names) {
      const value = labels[name]
      if (value === undefined) return undefined
      values.push(String(value))
    }
    return values.join(KEY_SEPARATOR)
  }

  /** The labels of the series under `key`, in label-name order. */
  private labelsOf (key: string): LabelValues<T> {
    const names = this.seriesLabelNames
    const values = names.length === 1 ? [key] : key.split(KEY_SEPARATOR)
    const labels: Partial<Record<T, string>> = {}
    names.forEach((name, index) => { labels[name] = values[index] })
    return labels as LabelValues<T>
  }

  override set (labels: LabelValues<T>, value: number): void
  override set (value: number): void
  override set (labelsOrValue: LabelValues<T> | number, value?: number): void {
    if (typeof labelsOrValue === 'number' || value === undefined) throw new TypeError(`${this.seriesName}: a SeriesGauge is set with labels`)
    if (typeof value !== 'number') throw new TypeError(`${this.seriesName}: value is not a number`)
    for (const name in labelsOrValue) {
      if (!this.seriesLabelNames.includes(name)) throw new TypeError(`${this.seriesName}: label "${name}" is not one of ${this.seriesLabelNames.join(', ')}`)
    }
    const key = this.key(labelsOrValue)
    if (key === undefined) throw new TypeError(`${this.seriesName}: a SeriesGauge is set with every label (${this.seriesLabelNames.join(', ')})`)
    const store = this.store()
    if (store.get(key) === value && store.has(key)) return
    store.set(key, value)
    this.changed()
  }

  // Rest parameters so that the signatures fit Gauge's overloads; any call throws.
  override inc (...args: unknown[]): void { throw new TypeError(`${this.seriesName}: a SeriesGauge is only set, not inc(${args.length} arguments)`) }
  override dec (...args: unknown[]): void { throw new TypeError(`${this.seriesName}: a SeriesGauge is only set, not dec(${args.length} arguments)`) }

  /** Removes the series with these labels: an object, or the values in label-name order (as prom-client takes them). */
  override remove (...args: Array<LabelValues<T> | string | number>): void {
    const first = args[0]
    const labels = typeof first === 'object'
      ? first
      : Object.fromEntries(this.seriesLabelNames.map((name, index) => [name, args[index]])) as LabelValues<T>
    const key = this.key(labels)
    if (key !== undefined && this.store().delete(key)) this.changed()
  }

  override reset (): void {
    super.reset() // prom-client's store, left empty (the constructor calls this too)
    this.series?.clear()
    this.changed()
  }

  /** The family as prom-client's Gauge reports it: the same values, labels in label-name order. */
  override async get (): Promise<MetricObjectWithValues<MetricValue<T>>> {
    // The Gauge's own answer (name, help, type, aggregator) with its empty values replaced.
    const family = await super.get()
    const values: Array<MetricValue<T>> = []
    for (const [key, value] of this.store()) values.push({ value, labels: this.labelsOf(key) })
    return { ...family, values }
  }

  private changed (): void {
    this.version++
    this.rendered = undefined
  }

  /** Labels of every series, in the order they were first set. */
  labelSets (): Array<LabelValues<T>> {
    return [...this.store().keys()].map((key) => this.labelsOf(key))
  }

  /** The exposition line of the series under `key`. */
  private line (key: string, value: number): string {
    const names = this.seriesLabelNames
    if (names.length === 1) return `${this.seriesName}{${names[0]}="${escapeLabelValue(key)}"} ${valueText(value)}`
    const values = key.split(KEY_SEPARATOR)
    const labelText = names.map((name, index) => `${name}="${escapeLabelValue(values[index]!)}"`).join(',')
    return `${this.seriesName}{${labelText}} ${valueText(value)}`
  }

  /**
   * This family in the Prometheus text format (HELP, TYPE, one line per series), as
   * `registry.getSingleMetricAsString` writes it, as UTF-8: the lines come from a generator and are
   * joined in slices with a turn of the event loop between them (joinInSlices; 30,000 series at
   * 10,000 environments), and kept until a series changes: between two monitor cycles every scrape
   * reuses the same bytes.
   */
  async exposition (): Promise<Buffer> {
    if (this.rendered !== undefined) return this.rendered
    const version = this.version
    const rendered = await joinInSlices(this.expositionLines(), '\n')
    if (version === this.version) this.rendered = rendered
    return rendered
  }

  /** HELP and TYPE (one part), then each series' line, written as they are read. */
  private * expositionLines (): Generator<string> {
    yield this.header
    for (const [key, value] of this.store()) yield this.line(key, value)
  }
}
