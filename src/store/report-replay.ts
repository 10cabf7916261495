/**
 * The Report columns a replay of progress reads (deriveProgress as of a date, the scores,
 * the month-end trend): one list, so the three readers cannot drift apart.
 */
export const REPLAY_SELECT = {
  id: true,
  activityCode: true,
  kind: true,
  status: true,
  value: true,
  occurredOn: true,
  note: true,
  userId: true,
  createdAt: true,
  undoneAt: true,
} as const;
