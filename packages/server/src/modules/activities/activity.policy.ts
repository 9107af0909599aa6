export interface ActivityWrite {
  kind: 'call' | 'meeting' | 'note' | 'task';
  aboutObject: string;
  aboutId: string;
  dueDate: string | null;
  done: boolean;
}

/**
 * Why an activity write is refused (422 message), or null: a due date and a done flag belong to
 * tasks; an activity stays attached to the record it was written about.
 */
export function activityWriteRefusal(next: ActivityWrite, previous: ActivityWrite | undefined): string | null {
  if (next.kind !== 'task' && (next.dueDate !== null || next.done)) return `only a task has a due date or a done flag (this is a ${next.kind})`;
  if (previous && (previous.aboutObject !== next.aboutObject || previous.aboutId !== next.aboutId)) {
    return 'an activity stays attached to its record: write a new one instead';
  }
  return null;
}
