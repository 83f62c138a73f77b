import { scenarioSuite } from './scenario-suite.js';

scenarioSuite('pyftpdlib');
