/** A path as results, failures and metrics show it: without its query, which may carry a key. */
export const shownPath = (path: string): string => path.split('?')[0] ?? path
