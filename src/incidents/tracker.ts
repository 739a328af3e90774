import type { IssueRef } from '../state/types.js'

/** Where incidents are filed. One interface; GitHub is the implementation. */
export interface IncidentTracker {
  /** The environment's open incident issue (by label and hidden marker), if any; the oldest wins. */
  findOpen: (environment: string) => Promise<IssueRef | null>
  open: (environment: string, title: string, body: string, labels: readonly string[]) => Promise<IssueRef>
  comment: (issue: number, body: string) => Promise<void>
  /** Whether a comment containing `marker` is already on the issue (a retried comment's check). */
  hasComment: (issue: number, marker: string) => Promise<boolean>
  close: (issue: number) => Promise<void>
}

/** Minimal structured logger (pino and Fastify's logger fit). */
export interface IncidentLog {
  debug: (obj: object, msg: string) => void
  info: (obj: object, msg: string) => void
  warn: (obj: object, msg: string) => void
  error: (obj: object, msg: string) => void
}

/** A logger that drops everything: the default when none is passed. */
export const silentLog: IncidentLog = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} }
