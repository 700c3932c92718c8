import { deleteRaceSuite } from './delete-race.suite.js';

deleteRaceSuite('embedded');
