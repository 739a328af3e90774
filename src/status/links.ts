/**
 * The GitHub web address of the repository's open issues under the first incident label, from
 * the API address: api.github.com → github.com; GitHub Enterprise Server `https://host/api/v3` →
 * `https://host`. Null without a repository.
 */
export function issuesLink (apiUrl: string, repository: string | undefined, labels: readonly string[]): string | null {
  if (repository === undefined) return null
  const web = apiUrl === 'https://api.github.com' ? 'https://github.com' : apiUrl.replace(/\/api\/v3$/, '')
  const label = labels[0]
  const query = `is:issue is:open${label === undefined ? '' : ` label:"${label}"`}`
  return `${web}/${repository}/issues?q=${encodeURIComponent(query)}`
}
