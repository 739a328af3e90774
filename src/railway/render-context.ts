import type { DeploymentContext, RailwayDeployment } from './types.js'

const utc = (iso: string): string => {
  const at = new Date(iso)
  return Number.isNaN(at.getTime()) ? iso : `${at.toISOString().replace('T', ' ').replace(/\.\d+Z$/, '')} UTC`
}

// Commit text is the author's: no Markdown of its own, no @mention that would notify someone.
const plain = (text: string): string => text.replace(/[\\`*_[\]<>|#]/g, (c) => `\\${c}`).replace(/@/g, '@\u200b')

/** A fence longer than any backtick run inside `content`, so log lines cannot close it. */
function fenced (content: string, info = ''): string {
  const longest = Math.max(0, ...[...content.matchAll(/`+/g)].map((m) => m[0].length))
  const fence = '`'.repeat(Math.max(3, longest + 1))
  return `${fence}${info}\n${content}\n${fence}`
}

/** `abc1234` on `main` by ada: "Fix the cache" — whatever of that Railway knows. */
function commitLine (d: RailwayDeployment): string | undefined {
  if (d.commitHash === undefined && d.commitMessage === undefined) return undefined
  return [
    d.commitHash === undefined ? 'commit' : `\`${d.commitHash.slice(0, 7)}\``,
    d.branch === undefined ? '' : ` on \`${plain(d.branch).replace(/`/g, '')}\``,
    d.commitAuthor === undefined ? '' : ` by ${plain(d.commitAuthor)}`,
    d.commitMessage === undefined ? '' : `: "${plain(d.commitMessage)}"`
  ].join('')
}

const deploymentLink = (d: RailwayDeployment): string => (d.dashboardUrl === undefined ? `\`${d.id}\`` : `[\`${d.id}\`](${d.dashboardUrl})`)

/**
 * The deployment context as a Markdown section of an incident issue or comment: the active
 * deployment and its commit, the last error log lines in a fenced block, the dashboard link, and
 * how to roll back (the dashboard path and the exact `deploymentRollback` mutation). Every value
 * in `context` is redacted already (railway/deployment-context.ts). `tokenKind` is the kind of
 * token Vigil uses, so the mutation comes with the header that token needs (Railway takes a
 * project token only as `Project-Access-Token`).
 */
export function renderDeploymentContext (context: DeploymentContext, tokenKind: 'account' | 'project' = 'account'): string {
  const lines: string[] = ['### Railway deployment']
  const active = context.active
  if (active === undefined) {
    lines.push('- **Active deployment:** none found')
  } else {
    lines.push(`- **Active deployment:** ${deploymentLink(active)}, ${active.status}, created ${utc(active.createdAt)}`)
    const commit = commitLine(active)
    if (commit !== undefined) lines.push(`- **Commit:** ${commit}`)
  }
  if (context.dashboardUrl !== undefined) lines.push(`- **Dashboard:** ${context.dashboardUrl}`)
  if (active !== undefined) {
    lines.push('', context.errorLogs.length === 0
      ? '**Error log lines:** none in the active deployment\'s logs.'
      : `**Last ${context.errorLogs.length} error log line${context.errorLogs.length === 1 ? '' : 's'}** of the active deployment (newest last):`)
    if (context.errorLogs.length > 0) lines.push('', fenced(context.errorLogs.join('\n'), 'text'))
  }
  lines.push('')
  const rollback = context.rollback
  if (rollback === undefined) {
    lines.push('**Roll back:** Railway lists no earlier deployment that can be rolled back to.')
  } else {
    const target = rollback.deployment
    const commit = commitLine(target)
    lines.push(
      `**Roll back** to deployment ${deploymentLink(target)} (created ${utc(target.createdAt)}${commit === undefined ? '' : `, ${commit}`}):`,
      `- In the dashboard: ${rollback.dashboardPath}`,
      `- With the API (${tokenKind === 'project' ? 'a project token in `Project-Access-Token: …`' : 'an account or team token in `Authorization: Bearer …`'}, to \`https://backboard.railway.com/graphql/v2\`):`,
      '',
      fenced(rollback.mutation, 'graphql')
    )
  }
  lines.push('', `_Read from Railway at ${utc(context.fetchedAt)}._`)
  return lines.join('\n')
}
