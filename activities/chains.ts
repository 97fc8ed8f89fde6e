import { ApplicationFailure } from '@temporalio/activity';
import { inTransaction } from '../db/connection';
import { findAgencyByEid } from '../db/repositories/agencies';
import { procedureChecklist } from '../db/repositories/checklist';
import { chainStageDossiers, findDossierChain, findProcedureChain, markChainStage, previousStageFacts, stageDossier, updateDossierChain } from '../db/repositories/chains';
import { insertDossier } from '../db/repositories/dossiers';
import { findActiveProcedureByCode } from '../db/repositories/procedures';
import { allocateDossierCode } from '../db/repositories/sequences';
import { claimDocuments } from '../documents/claim';
import { dossierWorkflowId } from '../domain/dossier-code';
import { DomainError } from '../domain/errors';
import { vnLocalDate } from '../domain/vn-time';
import { chainDueAt } from '../dossiers/chains';
import { dossierWorkflowInput } from '../dossiers/starts';
import type { ChainActivities } from '../workflows/contracts/chain-v1';
import type { ActivityDeps } from './index';

/**
 * The chain workflow's side effects (liên thông điện tử, ND 297/2025): the stage it is at, the
 * next stage's dossier made from the previous results, and the chain's end with its total
 * due date, whether it was kept, and the stage that was late.
 */
export function chainActivities(deps: ActivityDeps): ChainActivities {
  const { db } = deps;
  return {
    async markChainStage(input) {
      await updateDossierChain(db, input.chainId, { current_stage: input.stage });
    },

    async createNextStage(input) {
      const dossierId = await inTransaction(db, async (trx) => {
        const existing = await stageDossier(trx, input.chainId, input.stage);
        if (existing) return Number(existing.id);
        const chain = await findDossierChain(trx, input.chainId);
        const definition = chain && (await findProcedureChain(trx, chain.chain_code));
        const spec = definition?.stages[input.stage - 1];
        if (!chain || !definition || !spec) throw ApplicationFailure.nonRetryable(`chain ${input.chainId} has no stage ${input.stage}`, 'UnknownChainStage');
        const procedure = await findActiveProcedureByCode(trx, spec.procedureCode, ['id']);
        const agency = await findAgencyByEid(trx, spec.agencyEid, ['id', 'eid']);
        if (!procedure || !agency) throw ApplicationFailure.nonRetryable(`stage ${input.stage}: procedure ${spec.procedureCode} or agency ${spec.agencyEid} is gone`, 'UnknownChainStage');
        const prev = await previousStageFacts(trx, input.fromDossierId);
        if (!prev) throw ApplicationFailure.nonRetryable(`dossier ${input.fromDossierId} not found`, 'UnknownChainStage');
        // The results of every earlier stage, by reference: the next agency receives them with the dossier.
        const checklist = await procedureChecklist(trx, procedure.id);
        const results = (await chainStageDossiers(trx, input.chainId))
          .filter((d) => d.chain_stage < input.stage && d.result_number)
          .map((d) => {
            const title = d.result_name ?? 'Kết quả giải quyết thủ tục hành chính';
            // The checklist item the result is (a copy of), if the next procedure asks for it.
            const item = checklist.find((c) => isCopyOf(c.name, title));
            return { name: `${title} số ${d.result_number} (kết quả hồ sơ ${d.code} của ${d.agency_name}, chuyển liên thông)`, ...(item ? { checklistItem: Number(item.position) } : {}) };
          });
        const own = chain.documents.filter((d) => d.stage === input.stage).map(({ stage: _stage, ...d }) => d);
        const last = input.stage === definition.stages.length;
        const now = new Date();
        const code = await allocateDossierCode(trx, agency, vnLocalDate(now));
        const id = await insertDossier(trx, {
          code,
          workflow_id: dossierWorkflowId(code),
          procedure_id: procedure.id,
          agency_id: agency.id,
          channel: 'online',
          // The stages before the last deliver online, to the next agency; the last as the citizen chose.
          delivery_method: last ? (chain.delivery_method as 'online' | 'counter' | 'postal') : 'online',
          status: 'SUBMITTED',
          applicant_full_name: prev.applicant_full_name,
          applicant_id_number: prev.applicant_id_number,
          applicant_phone: prev.applicant_phone,
          applicant_email: prev.applicant_email,
          applicant_address: prev.applicant_address,
          postal_address: prev.postal_address ? JSON.stringify(prev.postal_address) : null,
          documents: JSON.stringify([...results, ...own]),
          submitted_at: now,
        });
        await markChainStage(trx, id, input.chainId, input.stage);
        // The citizen's uploads for this stage become its dossier's; one no longer claimable stays listed by name.
        const files = own.filter((d) => d.fileId);
        if (files.length) {
          await trx
            .transaction((sp) => claimDocuments(sp, { fileIds: files.map((d) => d.fileId), names: files.map((d) => d.name), checklistItems: files.map((d) => d.checklistItem), ownerIdNumber: prev.applicant_id_number, dossierId: id, agencyId: agency.id }))
            .catch((err: unknown) => {
              if (!(err instanceof DomainError)) throw err;
            });
        }
        await updateDossierChain(trx, input.chainId, { current_stage: input.stage });
        return id;
      });
      const chain = (await findDossierChain(db, input.chainId))!;
      await chainDueAt(db, chain);
      const stageInput = await dossierWorkflowInput(db, dossierId);
      return { input: stageInput, workflowId: dossierWorkflowId(stageInput.code) };
    },

    async finishChain(input) {
      const chain = await findDossierChain(db, input.chainId);
      if (!chain) return;
      const due = await chainDueAt(db, chain);
      const stages = await chainStageDossiers(db, input.chainId);
      const at = new Date(input.at);
      // The agency at fault: the first stage that finished after its own due date.
      const late = stages.find((s) => s.due_at && s.completed_at && s.completed_at.getTime() > s.due_at.getTime());
      await updateDossierChain(db, input.chainId, {
        status: input.outcome,
        current_stage: input.stage,
        completed_at: at,
        stop_stage: input.outcome === 'STOPPED' ? input.stage : null,
        stop_status: input.outcome === 'STOPPED' ? input.stageStatus : null,
        on_time: input.outcome === 'COMPLETED' && due ? at.getTime() <= due.dueAt.getTime() : null,
        late_stage: late?.chain_stage ?? null,
        late_agency_eid: late?.agency_eid ?? null,
      });
    },
  };
}


const FILLER = new Set(['bản', 'sao', 'chính', 'của', 'các', 'đã', 'được']);
const words = (text: string) => text.toLocaleLowerCase('vi').normalize('NFC').split(/[^\p{L}\p{N}]+/u).filter((w) => w && !FILLER.has(w));

/**
 * Whether a checklist item names (a copy of) a result: every word of the item, but "bản sao"
 * and the like, is a word of the result's title ("Bản sao giấy chứng nhận đăng ký kinh doanh"
 * is the "Giấy chứng nhận đăng ký hộ kinh doanh" of the stage before).
 */
export function isCopyOf(itemName: string, resultTitle: string): boolean {
  const item = words(itemName);
  const title = new Set(words(resultTitle));
  return item.length >= 3 && item.every((w) => title.has(w));
}
