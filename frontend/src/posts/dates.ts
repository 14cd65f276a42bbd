// Calendar arithmetic on local dates (the grid shows the browser's own days).

export type View = "month" | "week" | "day" | "list";

export function dayKey(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

export function parseDay(value: string | null): Date | null {
  const match = value?.match(/^(\d{4})-(\d{2})-(\d{2})$/);
  return match ? new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : null;
}

export function addDays(date: Date, days: number): Date {
  return new Date(date.getFullYear(), date.getMonth(), date.getDate() + days);
}

/** Monday of the week holding `date`. */
export function startOfWeek(date: Date): Date {
  return addDays(date, -((date.getDay() + 6) % 7));
}

export function weekDays(date: Date): Date[] {
  const monday = startOfWeek(date);
  return Array.from({ length: 7 }, (_, i) => addDays(monday, i));
}

/** The weeks (Monday first) that show the month of `date`, whole. */
export function monthGrid(date: Date): Date[] {
  const first = new Date(date.getFullYear(), date.getMonth(), 1);
  const last = new Date(date.getFullYear(), date.getMonth() + 1, 0);
  const days: Date[] = [];
  for (let day = startOfWeek(first); day <= last || days.length % 7 !== 0; day = addDays(day, 1)) days.push(day);
  return days;
}

/** [start, end) of what a view shows; the list shows the month of `date`. */
export function rangeOf(view: View, date: Date): [Date, Date] {
  if (view === "day") return [addDays(date, 0), addDays(date, 1)];
  if (view === "week") {
    const monday = startOfWeek(date);
    return [monday, addDays(monday, 7)];
  }
  if (view === "month") {
    const grid = monthGrid(date);
    return [grid[0], addDays(grid[grid.length - 1], 1)];
  }
  return [new Date(date.getFullYear(), date.getMonth(), 1), new Date(date.getFullYear(), date.getMonth() + 1, 1)];
}

export function stepDate(view: View, date: Date, step: number): Date {
  if (view === "day") return addDays(date, step);
  if (view === "week") return addDays(date, 7 * step);
  return new Date(date.getFullYear(), date.getMonth() + step, 1);
}
