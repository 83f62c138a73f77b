import { scenarioSuite } from './scenario-suite.js';

scenarioSuite('non-ftp');
