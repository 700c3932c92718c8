// Values provided by test/helpers/global-setup.ts; read them in tests with `inject('mongodbUrl')`.
import 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    /** `mongodb://127.0.0.1:PORT/` of the MongoDB-wire server (FerretDB + DocumentDB) shared by the whole run. Use a fresh database per file. */
    mongodbUrl: string;
    /** `redis://127.0.0.1:PORT` of the Redis shared by the whole run. Use a unique key prefix per test. */
    redisUrl: string;
  }
}
