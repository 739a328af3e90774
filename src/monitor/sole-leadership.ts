import type { CycleLeadership } from './types.js'

/** The leadership of a single replica without shared state: always the leader. */
export const SOLE_LEADERSHIP: CycleLeadership = {
  role: () => 'leader',
  leader: () => ({ holder: null, lastCycleAt: null }),
  cycleFinished: () => {},
  confirm: async () => true,
  close: async () => {}
}
