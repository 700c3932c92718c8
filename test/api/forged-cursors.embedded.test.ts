import { forgedCursorsSuite } from './forged-cursors.suite.js';

forgedCursorsSuite('embedded');
