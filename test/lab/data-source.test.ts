import { dataSourceSuite } from './data-source-suite.js';

dataSourceSuite();
