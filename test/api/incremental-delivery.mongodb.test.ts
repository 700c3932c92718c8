import { incrementalDeliverySuite } from './incremental-delivery.suite.js';

incrementalDeliverySuite('mongodb');
