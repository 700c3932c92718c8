/**
 * Accounts online: those with an open subscription connection on some instance. Each instance
 * holds its entries and refreshes them; an entry not refreshed in time expires.
 */
export interface PresenceStore {
  /** Marks (or keeps) these accounts online from this instance. */
  refresh(accountIds: readonly string[]): Promise<void>;
  /** This instance no longer holds the account. */
  remove(accountId: string): Promise<void>;
  /** Accounts online on any instance. */
  count(): Promise<number>;
  /** Removes this instance's entries. */
  close(): Promise<void>;
}
