import type { Knex } from 'knex';

/**
 * Sample agencies of Ho Chi Minh City after the 2025 reorganisation (province and
 * commune levels), with electronic ID codes in the QĐ 20/2020 style, and officers
 * holding the roles of the one-stop flow. Idempotent.
 */
export const SEED_AGENCIES = [
  { eid: '000.00.01.H29', name: 'Trung tâm Phục vụ hành chính công Thành phố Hồ Chí Minh', level: 'province', parent: null, address: '86 Lê Thánh Tôn, Phường Sài Gòn, Thành phố Hồ Chí Minh', phone: '02838230000' },
  { eid: '000.00.12.H29', name: 'Sở Tư pháp Thành phố Hồ Chí Minh', level: 'department', parent: null, address: '141-143 Pasteur, Phường Xuân Hòa, Thành phố Hồ Chí Minh', phone: '02838290230' },
  { eid: '000.00.23.H29', name: 'Sở Văn hóa và Thể thao Thành phố Hồ Chí Minh', level: 'department', parent: null, address: '164 Đồng Khởi, Phường Sài Gòn, Thành phố Hồ Chí Minh', phone: '02838295587' },
  { eid: '000.00.31.H29', name: 'Văn phòng Đăng ký đất đai Thành phố Hồ Chí Minh', level: 'department', parent: null, address: '12 Phan Đăng Lưu, Phường Gia Định, Thành phố Hồ Chí Minh', phone: '02839950001' },
  { eid: '000.20.20.H29', name: 'Ủy ban nhân dân Phường Sài Gòn', level: 'commune', parent: null, address: '45-47 Lê Duẩn, Phường Sài Gòn, Thành phố Hồ Chí Minh', phone: '02838223344' },
  { eid: '000.20.21.H29', name: 'Công an Phường Sài Gòn', level: 'commune', parent: '000.20.20.H29', address: '12 Lê Lợi, Phường Sài Gòn, Thành phố Hồ Chí Minh', phone: '02838225566' },
  // The lead agency and the City PC office of an inter-agency procedure (docs/domain.md §2.2, Hanoi 1594 style).
  { eid: '000.00.35.H29', name: 'Sở Dân tộc và Tôn giáo Thành phố Hồ Chí Minh', level: 'department', parent: null, address: '59 Lý Tự Trọng, Phường Sài Gòn, Thành phố Hồ Chí Minh', phone: '02838223737' },
  { eid: '000.00.02.H29', name: 'Văn phòng Ủy ban nhân dân Thành phố Hồ Chí Minh', level: 'department', parent: null, address: '86 Lê Thánh Tôn, Phường Sài Gòn, Thành phố Hồ Chí Minh', phone: '02838296052' },
] as const;

type Role = 'one_stop_officer' | 'specialist' | 'leader' | 'supervisor' | 'admin';

export const SEED_OFFICERS: ReadonlyArray<{ username: string; fullName: string; roles: ReadonlyArray<[string, Role]> }> = [
  { username: 'motcua.saigon', fullName: 'Trần Thị Mai', roles: [['000.20.20.H29', 'one_stop_officer'], ['000.20.21.H29', 'one_stop_officer']] },
  { username: 'chuyenvien.saigon1', fullName: 'Lê Văn Hùng', roles: [['000.20.20.H29', 'specialist']] },
  { username: 'chuyenvien.saigon2', fullName: 'Phạm Thu Hà', roles: [['000.20.20.H29', 'specialist']] },
  { username: 'lanhdao.saigon', fullName: 'Nguyễn Quốc Bảo', roles: [['000.20.20.H29', 'leader']] },
  { username: 'giamsat.saigon', fullName: 'Võ Thanh Tâm', roles: [['000.20.20.H29', 'supervisor']] },
  { username: 'canbo.congan.saigon', fullName: 'Đặng Minh Khoa', roles: [['000.20.21.H29', 'specialist']] },
  { username: 'truongcongan.saigon', fullName: 'Hoàng Văn Nam', roles: [['000.20.21.H29', 'leader']] },
  { username: 'motcua.tphcm', fullName: 'Bùi Ngọc Lan', roles: [['000.00.01.H29', 'one_stop_officer'], ['000.00.12.H29', 'one_stop_officer'], ['000.00.23.H29', 'one_stop_officer'], ['000.00.31.H29', 'one_stop_officer']] },
  { username: 'chuyenvien.tuphap', fullName: 'Đỗ Thị Hạnh', roles: [['000.00.12.H29', 'specialist']] },
  { username: 'lanhdao.tuphap', fullName: 'Trịnh Văn Đức', roles: [['000.00.12.H29', 'leader']] },
  { username: 'chuyenvien.vhtt', fullName: 'Lý Thị Thảo', roles: [['000.00.23.H29', 'specialist']] },
  { username: 'lanhdao.vhtt', fullName: 'Mai Xuân Phúc', roles: [['000.00.23.H29', 'leader']] },
  { username: 'chuyenvien.datdai', fullName: 'Cao Văn Tín', roles: [['000.00.31.H29', 'specialist']] },
  { username: 'lanhdao.datdai', fullName: 'Hồ Thị Ngọc', roles: [['000.00.31.H29', 'leader']] },
  { username: 'motcua.dantoc', fullName: 'Phan Thị Yến', roles: [['000.00.35.H29', 'one_stop_officer']] },
  { username: 'chuyenvien.dantoc1', fullName: 'Lưu Minh Quân', roles: [['000.00.35.H29', 'specialist']] },
  { username: 'chuyenvien.dantoc2', fullName: 'Tạ Thị Hồng', roles: [['000.00.35.H29', 'specialist']] },
  { username: 'truongphong.dantoc', fullName: 'Kiều Văn Thắng', roles: [['000.00.35.H29', 'leader']] },
  { username: 'lanhdao.dantoc', fullName: 'Âu Dương Khánh', roles: [['000.00.35.H29', 'leader']] },
  { username: 'vanthu.vpubnd', fullName: 'Ninh Thị Loan', roles: [['000.00.02.H29', 'one_stop_officer']] },
  { username: 'chuyenvien.vpubnd1', fullName: 'Quách Văn Lộc', roles: [['000.00.02.H29', 'specialist']] },
  { username: 'chuyenvien.vpubnd2', fullName: 'Tôn Nữ Diệu', roles: [['000.00.02.H29', 'specialist']] },
  { username: 'lanhdao.vpubnd', fullName: 'Lâm Quốc Việt', roles: [['000.00.02.H29', 'leader']] },
  { username: 'lanhdao.ubndtp', fullName: 'Châu Minh Trí', roles: [['000.00.02.H29', 'leader']] },
  { username: 'quantri', fullName: 'Quản trị hệ thống', roles: [['000.00.01.H29', 'admin']] },
];

/** Adds the sample agencies and officers that are missing; edits made since are kept. */
export async function seed(db: Knex): Promise<void> {
  await db.transaction((knex) => seedIn(knex));
}

async function seedIn(knex: Knex): Promise<void> {
  const calendar = await knex('work_calendars').where({ code: 'VN-STATE' }).orderBy('version', 'desc').first('id');
  for (const a of SEED_AGENCIES) {
    const parent = a.parent ? await knex('agencies').where({ eid: a.parent }).first('id') : null;
    await knex('agencies')
      .insert({ eid: a.eid, name: a.name, level: a.level, parent_id: parent?.id ?? null, calendar_id: calendar.id, address: a.address, phone: a.phone })
      .onConflict('eid')
      .ignore();
  }
  const agencyIds = new Map<string, number>((await knex('agencies').select('id', 'eid')).map((r) => [r.eid, r.id]));
  for (const o of SEED_OFFICERS) {
    await knex('users')
      .insert({ username: o.username, full_name: o.fullName, email: `${o.username}@hochiminhcity.gov.vn` })
      .onConflict('username')
      .ignore();
    const { id } = await knex('users').where({ username: o.username }).first('id');
    await knex('user_roles')
      .insert(o.roles.map(([eid, role]) => ({ user_id: id, agency_id: agencyIds.get(eid), role })))
      .onConflict(['user_id', 'agency_id', 'role'])
      .ignore();
  }
}
