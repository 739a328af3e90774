import { parser } from '@prometheus-io/lezer-promql'

/**
 * Metric names a PromQL expression selects, read with Prometheus's own grammar (the one its UI
 * uses). Throws on a syntax error and on a selector without a fixed metric name (`{job="x"}`,
 * `{__name__=~"…"}`), whose names no check could hold against an exposition.
 */
export function promqlMetricNames (expr: string): Set<string> {
  const names = new Set<string>()
  const problems: string[] = []
  parser.parse(expr).iterate({
    enter: (node) => {
      const text = expr.slice(node.from, node.to)
      if (node.type.isError) problems.push(`syntax error at ${node.from}: ${JSON.stringify(expr.slice(Math.max(0, node.from - 10), node.to + 10))}`)
      if (node.name !== 'VectorSelector') return
      const identifier = node.node.getChild('Identifier')
      const fixed = /__name__\s*=\s*"([^"]+)"/.exec(text)?.[1]
      if (identifier !== null) names.add(expr.slice(identifier.from, identifier.to))
      else if (fixed !== undefined) names.add(fixed)
      else problems.push(`selector without a metric name: ${text}`)
    }
  })
  if (problems.length > 0) throw new Error(`${expr}\n${problems.join('\n')}`)
  return names
}
