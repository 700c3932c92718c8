import { trustedDocumentsSuite } from './trusted-documents.suite.js';

trustedDocumentsSuite('embedded');
