/** What the stand-in holds for one issue. */
export interface StoredIssue {
  number: number
  title: string
  body: string
  labels: string[]
  state: 'open' | 'closed'
  stateReason: string | null
  /** As the API shows it; may be seeded in the past. */
  createdAt: string
  /** When the stand-in really created it (its own clock), for the listing lag. */
  createdAtMs: number
  updatedAt: string
  closedAt: string | null
  /** Login of the account that opened it. */
  author: string
  comments: StoredComment[]
}

/** What the stand-in holds for one comment. */
export interface StoredComment { id: number, body: string, createdAt: string, author: string }

/** The stand-in's own account has id 1; any other login gets a stable id of its own. */
export function accountId (login: string, self: string): number {
  if (login === self) return 1
  let hash = 0
  for (const ch of login.toLowerCase()) hash = (hash * 31 + ch.charCodeAt(0)) % 1_000_000
  return 1_000_000 + hash
}

/** An account shaped as GitHub's simple-user; `self` is the login of the token's user. */
export function user (api: string, login: string, self: string) {
  const id = accountId(login, self)
  return {
    login, id, node_id: `U_${id}`, avatar_url: `https://avatars.example/u/${id}`, gravatar_id: '',
    url: `${api}/users/${login}`, html_url: `https://github.example/${login}`,
    followers_url: `${api}/users/${login}/followers`, following_url: `${api}/users/${login}/following{/other_user}`,
    gists_url: `${api}/users/${login}/gists{/gist_id}`, starred_url: `${api}/users/${login}/starred{/owner}{/repo}`,
    subscriptions_url: `${api}/users/${login}/subscriptions`, organizations_url: `${api}/users/${login}/orgs`,
    repos_url: `${api}/users/${login}/repos`, events_url: `${api}/users/${login}/events{/privacy}`,
    received_events_url: `${api}/users/${login}/received_events`, type: 'User', site_admin: false
  }
}

/** The token's own account as `GET /user` returns it (the `private-user` schema). */
export function privateUserJson (api: string, login: string) {
  return {
    ...user(api, login, login), user_view_type: 'private',
    name: 'Vigil', company: null, blog: '', location: null, email: null, notification_email: null, hireable: null, bio: null, twitter_username: null,
    public_repos: 0, public_gists: 0, followers: 0, following: 0, created_at: '2024-01-01T00:00:00Z', updated_at: '2024-01-01T00:00:00Z',
    private_gists: 0, total_private_repos: 0, owned_private_repos: 0, disk_usage: 0, collaborators: 0, two_factor_authentication: false
  }
}

/** A repository as `GET /repos/{owner}/{repo}` returns it (the `full-repository` schema). */
export function repositoryJson (api: string, repo: string, self: string, permissions: { push: boolean, triage: boolean }, openIssues: number) {
  const [owner = '', name = ''] = repo.split('/')
  const url = `${api}/repos/${repo}`
  const at = '2024-01-01T00:00:00Z'
  return {
    id: 4242, node_id: 'R_4242', name, full_name: repo, owner: { ...user(api, owner, self), type: 'Organization' }, private: true,
    html_url: `https://github.example/${repo}`, description: null, fork: false, url,
    archive_url: `${url}/{archive_format}{/ref}`, assignees_url: `${url}/assignees{/user}`, blobs_url: `${url}/git/blobs{/sha}`,
    branches_url: `${url}/branches{/branch}`, collaborators_url: `${url}/collaborators{/collaborator}`, comments_url: `${url}/comments{/number}`,
    commits_url: `${url}/commits{/sha}`, compare_url: `${url}/compare/{base}...{head}`, contents_url: `${url}/contents/{+path}`,
    contributors_url: `${url}/contributors`, deployments_url: `${url}/deployments`, downloads_url: `${url}/downloads`, events_url: `${url}/events`,
    forks_url: `${url}/forks`, git_commits_url: `${url}/git/commits{/sha}`, git_refs_url: `${url}/git/refs{/sha}`, git_tags_url: `${url}/git/tags{/sha}`,
    git_url: `git://github.example/${repo}.git`, issue_comment_url: `${url}/issues/comments{/number}`, issue_events_url: `${url}/issues/events{/number}`,
    issues_url: `${url}/issues{/number}`, keys_url: `${url}/keys{/key_id}`, labels_url: `${url}/labels{/name}`, languages_url: `${url}/languages`,
    merges_url: `${url}/merges`, milestones_url: `${url}/milestones{/number}`, notifications_url: `${url}/notifications{?since,all,participating}`,
    pulls_url: `${url}/pulls{/number}`, releases_url: `${url}/releases{/id}`, ssh_url: `git@github.example:${repo}.git`,
    stargazers_url: `${url}/stargazers`, statuses_url: `${url}/statuses/{sha}`, subscribers_url: `${url}/subscribers`,
    subscription_url: `${url}/subscription`, tags_url: `${url}/tags`, teams_url: `${url}/teams`, trees_url: `${url}/git/trees{/sha}`,
    clone_url: `https://github.example/${repo}.git`, mirror_url: null, hooks_url: `${url}/hooks`, svn_url: `https://github.example/${repo}`,
    homepage: null, language: 'TypeScript', forks_count: 0, forks: 0, stargazers_count: 0, watchers_count: 0, watchers: 0, size: 1024,
    default_branch: 'main', open_issues_count: openIssues, open_issues: openIssues, is_template: false, topics: [],
    has_issues: true, has_projects: false, has_wiki: false, has_pages: false, has_downloads: true, has_discussions: false,
    archived: false, disabled: false, visibility: 'private', pushed_at: at, created_at: at, updated_at: at,
    permissions: { admin: false, maintain: false, push: permissions.push, triage: permissions.triage, pull: true },
    allow_forking: false, web_commit_signoff_required: false, license: null, network_count: 0, subscribers_count: 1
  }
}

/** An issue as the REST API returns it (the `issue` schema). */
export function issueJson (api: string, repo: string, issue: StoredIssue, self: string) {
  const url = `${api}/repos/${repo}/issues/${issue.number}`
  return {
    id: 1000 + issue.number, node_id: `I_${issue.number}`, url,
    repository_url: `${api}/repos/${repo}`, labels_url: `${url}/labels{/name}`, comments_url: `${url}/comments`,
    events_url: `${url}/events`, html_url: `https://github.example/${repo}/issues/${issue.number}`,
    number: issue.number, state: issue.state, state_reason: issue.stateReason, title: issue.title, body: issue.body,
    user: user(api, issue.author, self),
    labels: issue.labels.map((name, i) => ({ id: i + 1, node_id: `L_${name}`, url: `${api}/repos/${repo}/labels/${encodeURIComponent(name)}`, name, description: null, color: 'ededed', default: false })),
    assignee: null, assignees: [], milestone: null, locked: false, active_lock_reason: null,
    comments: issue.comments.length, created_at: issue.createdAt, updated_at: issue.updatedAt, closed_at: issue.closedAt,
    author_association: 'NONE'
  }
}

/** A comment as the REST API returns it (the `issue-comment` schema). */
export function commentJson (api: string, repo: string, issueNumber: number, comment: StoredComment, self: string) {
  return {
    id: comment.id, node_id: `IC_${comment.id}`, url: `${api}/repos/${repo}/issues/comments/${comment.id}`,
    html_url: `https://github.example/${repo}/issues/${issueNumber}#issuecomment-${comment.id}`,
    issue_url: `${api}/repos/${repo}/issues/${issueNumber}`, body: comment.body, user: user(api, comment.author, self),
    created_at: comment.createdAt, updated_at: comment.createdAt, author_association: 'NONE'
  }
}
