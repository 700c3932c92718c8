import type { DocumentCollection, DocumentStore, StoredDoc } from '../datasources/ports/documents.js';

export interface OrderItem {
  productId: string;
  quantity: number;
  unitPrice: number;
}

/** What an order holds besides its id. */
export interface OrderFields {
  number: string;
  seq: number;
  customerId: string;
  items: OrderItem[];
  total: number;
  placedAt: Date;
}

/** An order as stored in `orders`, once placed. */
export interface OrderDoc extends StoredDoc, OrderFields {}

/**
 * `pending`: stock is being taken (holds on the products name the intent); `placed`: confirmed,
 * the order below is the answer and only has to be stored; `cancelled`: given up, its holds are
 * being given back.
 */
export type IntentState = 'pending' | 'placed' | 'cancelled';

/**
 * An order on its way, recorded before any stock is taken, so that whatever a crash interrupts
 * can be finished or undone by the sweeper. It shares its `_id` with the order it becomes.
 */
export interface IntentDoc extends StoredDoc {
  state: IntentState;
  customerId: string;
  items: Array<{ productId: string; quantity: number }>;
  /** The last step's time: past ORDER_PENDING_SECONDS, the sweeper takes the intent over. */
  touchedAt: Date;
  /** Set by the confirmation: the order as it is stored. */
  order?: OrderFields;
}

export type PlacedIntent = IntentDoc & { state: 'placed'; order: OrderFields };

export const ORDER_INTENTS = 'order_intents';

/** The intents collection: each state change is one conditional write, so only one of two racers wins it. */
export class OrderIntents {
  private readonly intents: DocumentCollection<IntentDoc>;

  constructor(store: DocumentStore) {
    this.intents = store.collection<IntentDoc>(ORDER_INTENTS);
  }

  async ensureIndexes(): Promise<void> {
    await this.intents.ensureIndexes([
      { name: 'touchedAt', keys: [['touchedAt', 1]] },
      { name: 'customerId', keys: [['customerId', 1]] },
    ]);
  }

  async open(doc: IntentDoc): Promise<void> {
    await this.intents.insertOne(doc);
  }

  /** pending -> placed with the order; null when the intent is no longer pending (the sweeper cancelled it). */
  async confirm(id: string, order: OrderFields): Promise<PlacedIntent | null> {
    const doc = await this.intents.findOneAndUpdate(
      { _id: id, state: 'pending' },
      { $set: { state: 'placed', order, touchedAt: new Date() } },
    );
    return doc === null ? null : (doc as PlacedIntent);
  }

  /** Any state but placed -> cancelled; false when the intent is placed or gone. */
  async cancel(id: string): Promise<boolean> {
    const doc = await this.intents.findOneAndUpdate(
      { _id: id, state: { $ne: 'placed' } },
      { $set: { state: 'cancelled', touchedAt: new Date() } },
    );
    return doc !== null;
  }

  /**
   * Takes over an intent last touched at `seen.touchedAt`: a pending one is cancelled, the others
   * keep their state. Compare-and-set on the time, so of several sweepers (and the placing
   * instance) exactly one wins; null for the losers.
   */
  claim(seen: IntentDoc): Promise<IntentDoc | null> {
    return this.intents.findOneAndUpdate(
      { _id: seen._id, state: seen.state, touchedAt: seen.touchedAt },
      { $set: { state: seen.state === 'pending' ? 'cancelled' : seen.state, touchedAt: new Date() } },
    );
  }

  /** Intents last touched before `before`, oldest first. */
  stale(before: Date, limit: number): Promise<IntentDoc[]> {
    return this.intents.find({ touchedAt: { $lt: before } }, { sort: [['touchedAt', 1]], limit });
  }

  async exists(id: string): Promise<boolean> {
    return (await this.intents.count({ _id: id })) > 0;
  }

  async forCustomer(customerId: string): Promise<boolean> {
    return (await this.intents.findOne({ customerId })) !== null;
  }

  /** Removes a finished intent; never a placed one whose order may not be stored yet, unless `placedToo`. */
  async remove(id: string, placedToo = false): Promise<void> {
    await this.intents.deleteOne(placedToo ? { _id: id } : { _id: id, state: { $ne: 'placed' } });
  }
}
