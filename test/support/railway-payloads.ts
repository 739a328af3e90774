/** Webhook bodies shaped as Railway sends them (docs.railway.com/observability/webhooks). */

export interface PayloadSpec {
  readonly type?: string
  readonly deploymentId?: string
  readonly status?: string
  readonly environment?: string
  readonly service?: string
  /** Railway ids of the environment and service (default `env-<name>`, `svc-<name>`). */
  readonly environmentId?: string
  readonly serviceId?: string
  readonly timestamp?: string
  readonly commitHash?: string
  readonly commitMessage?: string
}

/** The current payload: `type`, `details`, `resource`, `severity`, `timestamp`. */
export function railwayPayload (spec: PayloadSpec = {}): Record<string, unknown> {
  const deploymentId = spec.deploymentId ?? '8107edff-4b8e-44fc-b43a-04566e847a2a'
  const environment = spec.environment ?? 'production'
  return {
    type: spec.type ?? 'Deployment.crashed',
    details: {
      id: deploymentId,
      source: 'GitHub',
      status: spec.status ?? 'CRASHED',
      branch: 'main',
      commitHash: spec.commitHash ?? 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678',
      commitAuthor: 'Ada Lovelace',
      commitMessage: spec.commitMessage ?? 'Make the checkout faster'
    },
    resource: {
      workspace: { id: 'ws-1', name: 'Acme' },
      project: { id: 'proj-1', name: 'platform' },
      environment: { id: spec.environmentId ?? `env-${environment}`, name: environment, isEphemeral: false },
      service: { id: spec.serviceId ?? `svc-${spec.service ?? 'api'}`, name: spec.service ?? 'api' },
      deployment: { id: deploymentId }
    },
    severity: 'WARNING',
    timestamp: spec.timestamp ?? new Date().toISOString()
  }
}

/** The legacy payload: `type: "DEPLOY"`, `project`, `environment`, `deployment` with `meta`, `status`. */
export function legacyRailwayPayload (spec: PayloadSpec = {}): Record<string, unknown> {
  const environment = spec.environment ?? 'production'
  return {
    type: 'DEPLOY',
    timestamp: spec.timestamp ?? new Date().toISOString(),
    status: spec.status ?? 'CRASHED',
    project: { id: 'proj-1', name: 'platform', description: '', createdAt: '2025-02-01T00:00:00.000Z' },
    environment: { id: `env-${environment}`, name: environment },
    deployment: {
      id: spec.deploymentId ?? 'legacy-deploy-1',
      creator: { id: 'user-1', name: 'Ada', avatar: '' },
      meta: { branch: 'main', commitHash: spec.commitHash ?? 'feedfacecafebeef0011223344556677889900aa', commitMessage: spec.commitMessage ?? 'Legacy deploy', commitAuthor: 'Ada' }
    }
  }
}
