import { jobOwnershipSuite } from './job-ownership.suite.js';

jobOwnershipSuite('embedded');
