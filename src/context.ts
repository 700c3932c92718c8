import type { YogaInitialContext } from 'graphql-yoga';
import { createLoaders, type Loaders } from './datasources/loaders.js';
import type { Services } from './services/index.js';

/** Who is calling. Accounts come later; `null` is an anonymous caller. */
export interface Caller {
  accountId: string;
  role: 'USER' | 'ADMIN';
}

/** The request context: built fresh per request (and per subscription event), never shared. */
export interface Context {
  services: Services;
  loaders: Loaders;
  caller: Caller | null;
}

export function createContext(services: Services, _request: YogaInitialContext['request'] | null): Context {
  return { services, loaders: createLoaders(services), caller: null };
}
