import { addressSuite } from './address-suite.js';

addressSuite();
