import { MS_PER_DAY } from "../contracts/calendar.ts";

/**
 * Date shifting moves every date of one patient by the same number of days, so intervals between that patient's
 * events (length of stay, time to readmission, age at event to within the shift) survive while the calendar dates
 * do not. The offset comes from the keyed pseudonymiser (see `Pseudonymiser.dateShiftDays`): same patient and key
 * → same offset; without the key the offset cannot be recomputed. It is never zero, so no date passes unchanged.
 */
export const DEFAULT_MAX_SHIFT_DAYS = 180;

export function shiftDate(days: number, offsetDays: number): number {
  return days + offsetDays;
}

export function shiftTimestamp(epochMillis: number, offsetDays: number): number {
  return epochMillis + offsetDays * MS_PER_DAY;
}
