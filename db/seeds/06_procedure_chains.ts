import type { Knex } from 'knex';
import { validateChain, type ProcedureChain } from '../../domain/internal-procedure';

/**
 * Liên thông điện tử (ND 297/2025, docs/domain.md §3.8, §10 rows 1–3): household business
 * registration by the commune, then the security-and-order certificate by the commune police,
 * then the karaoke licence by the provincial Department of Culture and Sports; one submission,
 * each agency's result passed on to the next, 16 working days in all.
 */
export const CHAINS: ProcedureChain[] = [
  {
    code: 'LT-297-KARAOKE',
    name: 'Liên thông đăng ký hộ kinh doanh – cấp Giấy chứng nhận đủ điều kiện về an ninh, trật tự – cấp Giấy phép kinh doanh dịch vụ karaoke',
    basis: 'Nghị định 297/2025/NĐ-CP',
    totalLimit: { unit: 'working_days', value: 16 },
    stages: [
      { procedureCode: 'KT-HKD', agencyEid: '000.20.20.H29', limit: { unit: 'working_days', value: 3 } },
      { procedureCode: 'CA-ANTT', agencyEid: '000.20.21.H29', limit: { unit: 'working_days', value: 3 } },
      { procedureCode: 'VH-KARAOKE', agencyEid: '000.00.23.H29', limit: { unit: 'working_days', value: 10 } },
    ],
  },
];

export async function seed(db: Knex): Promise<void> {
  for (const chain of CHAINS) {
    const problems = validateChain(chain);
    if (problems.length) throw new Error(`chain ${chain.code}: ${problems.map((p) => p.message).join(' ')}`);
    await db('procedure_chains')
      .insert({ code: chain.code, name: chain.name, basis: chain.basis, total_limit: JSON.stringify(chain.totalLimit), stages: JSON.stringify(chain.stages) })
      .onConflict('code')
      .merge(['name', 'basis', 'total_limit', 'stages']);
  }
}
