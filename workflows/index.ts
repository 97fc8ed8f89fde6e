export { dossierWorkflow } from './dossier/workflow';
export { procedureChainWorkflow } from './chain/workflow';
export { legWorkflow } from './leg/workflow';
