/** Reading `CLUSTER NODES` replies: what one node believes about the cluster. */

export const SLOT_COUNT = 16384;

export interface NodeLine {
  readonly id: string;
  readonly port: number;
  readonly myself: boolean;
  readonly master: boolean;
  /** Flagged `fail` or `fail?` (PFAIL) by the node whose view this is. */
  readonly failing: boolean;
  /** For a replica, its master's id. */
  readonly masterId: string | undefined;
  /** The slots it serves, as [first, last] ranges. */
  readonly slots: ReadonlyArray<readonly [number, number]>;
  /** Whether a slot is being migrated to or imported from another node (`[slot->-id]`, `[slot-<-id]`). */
  readonly migrating: boolean;
}

/** One line per node: `<id> <ip:port@cport> <flags> <master> <ping> <pong> <epoch> <link> <slot>...`. */
export function parseClusterNodes(text: string): NodeLine[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((line) => {
      const [id = '', address = '', flagList = '', master = '-', , , , , ...slotFields] = line.split(' ');
      const flags = new Set(flagList.split(','));
      const hostPort = address.split('@')[0] ?? '';
      const slots: Array<[number, number]> = [];
      let migrating = false;
      for (const field of slotFields) {
        if (field.startsWith('[')) {
          migrating = true;
          continue;
        }
        const [first, last = first] = field.split('-').map(Number);
        if (first !== undefined && last !== undefined) slots.push([first, last]);
      }
      return {
        id,
        port: Number(hostPort.slice(hostPort.lastIndexOf(':') + 1)),
        myself: flags.has('myself'),
        master: flags.has('master'),
        failing: flags.has('fail') || flags.has('fail?'),
        masterId: master === '-' ? undefined : master,
        slots,
        migrating,
      };
    });
}

/** The id of the master serving each slot in this view (`undefined`: no healthy master serves it). */
export function slotOwners(view: readonly NodeLine[]): Array<string | undefined> {
  const owners = new Array<string | undefined>(SLOT_COUNT).fill(undefined);
  for (const node of view) {
    if (!node.master || node.failing) continue;
    for (const [first, last] of node.slots) owners.fill(node.id, first, last + 1);
  }
  return owners;
}

/** Whether `slot` falls in one of `ranges`. */
export function inRanges(slot: number, ranges: ReadonlyArray<readonly [number, number]>): boolean {
  return ranges.some(([first, last]) => slot >= first && slot <= last);
}
