export { dossierWorkflow } from './dossier/workflow';
export { legWorkflow } from './leg/workflow';
