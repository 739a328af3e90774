/** What the stand-in holds for one issue. */
export interface StoredIssue {
  number: number
  title: string
  body: string
  labels: string[]
  state: 'open' | 'closed'
  stateReason: string | null
  createdAt: string
  updatedAt: string
  closedAt: string | null
  comments: StoredComment[]
}

export interface StoredComment { id: number, body: string, createdAt: string }

/** The user every write is attributed to, shaped as GitHub's simple-user. */
export function user (api: string) {
  const login = 'vigil-bot'
  return {
    login, id: 1, node_id: 'U_1', avatar_url: 'https://avatars.example/u/1', gravatar_id: '',
    url: `${api}/users/${login}`, html_url: `https://github.example/${login}`,
    followers_url: `${api}/users/${login}/followers`, following_url: `${api}/users/${login}/following{/other_user}`,
    gists_url: `${api}/users/${login}/gists{/gist_id}`, starred_url: `${api}/users/${login}/starred{/owner}{/repo}`,
    subscriptions_url: `${api}/users/${login}/subscriptions`, organizations_url: `${api}/users/${login}/orgs`,
    repos_url: `${api}/users/${login}/repos`, events_url: `${api}/users/${login}/events{/privacy}`,
    received_events_url: `${api}/users/${login}/received_events`, type: 'User', site_admin: false
  }
}

/** An issue as the REST API returns it (the `issue` schema). */
export function issueJson (api: string, repo: string, issue: StoredIssue) {
  const url = `${api}/repos/${repo}/issues/${issue.number}`
  return {
    id: 1000 + issue.number, node_id: `I_${issue.number}`, url,
    repository_url: `${api}/repos/${repo}`, labels_url: `${url}/labels{/name}`, comments_url: `${url}/comments`,
    events_url: `${url}/events`, html_url: `https://github.example/${repo}/issues/${issue.number}`,
    number: issue.number, state: issue.state, state_reason: issue.stateReason, title: issue.title, body: issue.body,
    user: user(api),
    labels: issue.labels.map((name, i) => ({ id: i + 1, node_id: `L_${name}`, url: `${api}/repos/${repo}/labels/${encodeURIComponent(name)}`, name, description: null, color: 'ededed', default: false })),
    assignee: null, assignees: [], milestone: null, locked: false, active_lock_reason: null,
    comments: issue.comments.length, created_at: issue.createdAt, updated_at: issue.updatedAt, closed_at: issue.closedAt,
    author_association: 'NONE'
  }
}

/** A comment as the REST API returns it (the `issue-comment` schema). */
export function commentJson (api: string, repo: string, issueNumber: number, comment: StoredComment) {
  return {
    id: comment.id, node_id: `IC_${comment.id}`, url: `${api}/repos/${repo}/issues/comments/${comment.id}`,
    html_url: `https://github.example/${repo}/issues/${issueNumber}#issuecomment-${comment.id}`,
    issue_url: `${api}/repos/${repo}/issues/${issueNumber}`, body: comment.body, user: user(api),
    created_at: comment.createdAt, updated_at: comment.createdAt, author_association: 'NONE'
  }
}
