// The detail panel's blocks (四至, procedure tracker), loaded on first use.
export { sizhiBlock } from './sizhi.js';
export { procedureBlock } from './procedure.js';
