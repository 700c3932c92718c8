import { orderStallSuite } from './order-stall.suite.js';

orderStallSuite('embedded');
