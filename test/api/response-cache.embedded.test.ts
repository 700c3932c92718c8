import { responseCacheSuite } from './response-cache.suite.js';

responseCacheSuite('embedded');
