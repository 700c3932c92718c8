import { loginThrottleSuite } from './login-throttle.suite.js';

loginThrottleSuite('mongodb');
