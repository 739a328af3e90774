import { readFileSync } from 'node:fs'
import GithubSlugger from 'github-slugger'

/**
 * The anchors GitHub gives the headings of a markdown file: the heading's text (inline code and
 * emphasis marks removed, link text kept) slugged by github-slugger, repeats numbered `-1`, `-2`.
 */
export function markdownAnchors (path: string | URL): Set<string> {
  const slugger = new GithubSlugger()
  const anchors = new Set<string>()
  let fenced = false
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line.startsWith('```')) fenced = !fenced
    const heading = fenced ? null : /^#{1,6}\s+(.+?)\s*#*\s*$/.exec(line)
    if (heading === null) continue
    const text = heading[1]!.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/[`*]/g, '')
    anchors.add(slugger.slug(text))
  }
  return anchors
}
