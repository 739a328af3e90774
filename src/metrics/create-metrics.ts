import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'
import type { BuildInfo } from '../config/config.js'
import { packageVersion } from '../config/version.js'
import { createRequestDurationHistogram } from './request-duration-histogram.js'
import { SeriesGauge } from './series-gauge.js'

/** Bucket bounds (seconds) for request and probe latencies: 1 ms to 10 s. */
export const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

/** Bucket bounds (seconds) for monitor cycles: 100 ms to 30 min (a cycle may take up to its interval). */
export const CYCLE_BUCKETS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 900, 1800]

/** Bucket bounds (seconds) from a deploy event to healthy: 1 s to 30 min. */
export const DEPLOY_BUCKETS = [1, 5, 10, 20, 30, 60, 90, 120, 180, 300, 600, 1800]

const LINT_FAILING_DEFAULTS = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']

/**
 * Every metric Vigil exposes, on a registry owned by one app instance. Names are stable.
 * `build` labels `vigil_build_info` (the configuration's `build`; tests may leave the default).
 */
export function createMetrics (registry: Registry = new Registry(), build: BuildInfo = { version: packageVersion(), commit: 'unknown' }) {
  collectDefaultMetrics({ register: registry })
  // These three defaults are gauges named like counters, which `promtool check metrics` rejects;
  // the same figures remain as nodejs_active_handles, nodejs_active_requests, nodejs_active_resources.
  for (const name of LINT_FAILING_DEFAULTS) registry.removeSingleMetric(name)
  const registers = [registry]
  // The "info" idiom (as node_exporter's node_uname_info): constant 1, the facts in the labels.
  const buildInfo = new Gauge({
    name: 'vigil_build_info',
    help: 'Always 1; labels: the package version and the deployed commit (unknown when not told)',
    labelNames: ['version', 'commit'] as const,
    registers
  })
  buildInfo.set({ version: build.version, commit: build.commit }, 1)
  return {
    registry,
    buildInfo,
    httpRequestDuration: createRequestDurationHistogram(registry, {
      name: 'http_request_duration_seconds',
      help: 'Duration of HTTP requests served by Vigil, by route template',
      buckets: LATENCY_BUCKETS
    }),
    alertFiring: new Gauge({
      name: 'vigil_alert_firing',
      help: '1 when the alert (memory, cpu, response_time, error_rate) is past its threshold',
      labelNames: ['alert'] as const,
      registers
    }),
    componentUp: new Gauge({
      name: 'vigil_component_up',
      help: '1 when the component answered its latest probe healthy or degraded, 0 when unhealthy',
      labelNames: ['component'] as const,
      registers
    }),
    componentLatency: new Histogram({
      name: 'vigil_component_latency_seconds',
      help: 'Latency of component probes',
      labelNames: ['component'] as const,
      buckets: LATENCY_BUCKETS,
      registers
    }),
    probeResults: new Counter({
      name: 'vigil_probe_results_total',
      help: 'Component probe results by outcome (healthy, degraded, unhealthy)',
      labelNames: ['component', 'status'] as const,
      registers
    }),
    environmentUp: new SeriesGauge({
      name: 'vigil_environment_up',
      help: '1 when the environment passed its latest check (healthy or degraded), 0 when unhealthy',
      labelNames: ['environment'] as const,
      registers
    }),
    environmentStatus: new SeriesGauge({
      name: 'vigil_environment_status',
      help: 'Status word of the environment in its latest check: 1 for the current one (healthy, degraded, unhealthy), 0 for the others',
      labelNames: ['environment', 'status'] as const,
      registers
    }),
    environmentHttpStatus: new SeriesGauge({
      name: 'vigil_environment_http_status_code',
      help: 'HTTP status code the environment health URL answered in its latest check (last try); absent without an answer',
      labelNames: ['environment'] as const,
      registers
    }),
    environmentCheckSuccess: new SeriesGauge({
      name: 'vigil_environment_check_success',
      help: 'Per extra path of the environment (its checks option): 1 when it answered 2xx in the latest check, 0 otherwise',
      labelNames: ['environment', 'path'] as const,
      registers
    }),
    environmentCheckHttpStatus: new SeriesGauge({
      name: 'vigil_environment_check_http_status_code',
      help: 'Per extra path of the environment: the HTTP status code it answered in the latest check; absent without an answer',
      labelNames: ['environment', 'path'] as const,
      registers
    }),
    environmentResponseTime: new SeriesGauge({
      name: 'vigil_environment_response_time_seconds',
      help: 'Response time of the environment health URL in its latest check',
      labelNames: ['environment'] as const,
      registers
    }),
    environmentTlsExpiry: new SeriesGauge({
      name: 'vigil_environment_tls_expiry_timestamp_seconds',
      help: 'Unix time at which the environment TLS certificate expires',
      labelNames: ['environment'] as const,
      registers
    }),
    monitorRuns: new Counter({
      name: 'vigil_monitor_runs_total',
      help: 'Monitor cycles by result (success, failure, skipped)',
      labelNames: ['result'] as const,
      registers
    }),
    monitorCycleDuration: new Histogram({
      name: 'vigil_monitor_cycle_duration_seconds',
      help: 'Wall time of monitor cycles that ran to the end (success or failure)',
      buckets: CYCLE_BUCKETS,
      registers
    }),
    monitorCycleOverruns: new Counter({
      name: 'vigil_monitor_cycle_overruns_total',
      help: 'Monitor cycles that took longer than the interval (the next one started late)',
      registers
    }),
    monitorStaleAfter: new Gauge({
      name: 'vigil_monitor_stale_after_seconds',
      help: 'How long without a finished cycle counts as stale: two intervals plus the longest a cycle can take (0 while no environment is monitored)',
      registers
    }),
    monitorConsecutiveFailures: new Gauge({
      name: 'vigil_monitor_consecutive_failures',
      help: 'Monitor cycles of this replica that failed in a row (0 after a cycle that ran to its end); the monitor component is unhealthy from 3',
      registers
    }),
    monitorLastRun: new Gauge({
      name: 'vigil_monitor_last_run_timestamp_seconds',
      help: 'Unix time at which the latest monitor cycle finished',
      registers
    }),
    incidentsOpen: new SeriesGauge({
      name: 'vigil_incidents_open',
      help: '1 while the environment has an open incident issue',
      labelNames: ['environment'] as const,
      registers
    }),
    githubRequests: new Counter({
      name: 'vigil_github_requests_total',
      help: 'Requests to the GitHub API by operation and result (success, failure)',
      labelNames: ['operation', 'result'] as const,
      registers
    }),
    incidentActionsPending: new Gauge({
      name: 'vigil_incident_actions_pending',
      help: 'Decided incident events not yet delivered, by channel',
      labelNames: ['channel'] as const,
      registers
    }),
    incidentOldestPendingAge: new Gauge({
      name: 'vigil_incident_oldest_pending_age_seconds',
      help: 'Age of the oldest incident event not yet delivered, by channel (0 when none)',
      labelNames: ['channel'] as const,
      registers
    }),
    incidentDeliveries: new Counter({
      name: 'vigil_incident_deliveries_total',
      help: 'Incident event delivery tries by channel, event kind and result (delivered, failed, retry, rate_limited, dropped)',
      labelNames: ['channel', 'kind', 'result'] as const,
      registers
    }),
    // Railway deploy events (railway/deploy-events.ts)
    railwayEvents: new Counter({
      name: 'vigil_railway_events_total',
      help: 'Railway webhook deliveries accepted, by event type (known Deployment.* types by name, others as other)',
      labelNames: ['type'] as const,
      registers
    }),
    verifications: new Counter({
      name: 'vigil_verifications_total',
      help: 'Post-deploy verifications finished, by result (healthy, failed)',
      labelNames: ['result'] as const,
      registers
    }),
    deployToHealthy: new Histogram({
      name: 'vigil_deploy_to_healthy_seconds',
      help: 'From a Railway deployment event to the first healthy verification of the deployment',
      buckets: DEPLOY_BUCKETS,
      registers
    }),
    // Railway's public API (railway/client.ts).
    railwayApiRequests: new Counter({
      name: 'vigil_railway_api_requests_total',
      help: 'Requests to Railway\'s public GraphQL API by operation and result (success, failure, rate_limited, timeout)',
      labelNames: ['operation', 'result'] as const,
      registers
    })
  }
}

export type Metrics = ReturnType<typeof createMetrics>
