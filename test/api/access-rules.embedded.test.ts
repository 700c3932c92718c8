import { accessRulesSuite } from './access-rules.suite.js';

accessRulesSuite('embedded');
